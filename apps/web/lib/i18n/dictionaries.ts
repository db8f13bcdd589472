import type { Locale } from "./config";

const en = {
  appName: "Meterline",
  nav: { signOut: "Sign out" },
  auth: {
    signInTitle: "Sign in",
    signInSubtitle: "Welcome back. Sign in to your workspace.",
    signUpTitle: "Create your account",
    signUpSubtitle: "Start measuring what your product costs.",
    email: "Email",
    password: "Password",
    displayName: "Your name",
    signInButton: "Sign in",
    signUpButton: "Create account",
    noAccount: "No account yet?",
    haveAccount: "Already have an account?",
    signUpLink: "Create one",
    signInLink: "Sign in",
  },
  home: {
    title: "Welcome",
    signedInAs: "Signed in as",
    profileTitle: "Profile",
    profileSubtitle: "How your name appears to your teammates.",
    save: "Save",
  },
} as const;

export type Dictionary = typeof en;

const dictionaries: Record<Locale, Dictionary> = { en };

export function getDictionary(locale: Locale): Dictionary {
  return dictionaries[locale];
}
