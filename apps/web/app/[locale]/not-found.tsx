import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center gap-3 px-4 text-center">
      <p className="text-sm font-medium text-brand-600">404</p>
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="text-slate-600">The page does not exist, or you are not allowed to see it.</p>
      <Link href="/" className="text-sm font-medium text-brand-600 hover:underline">
        Go home
      </Link>
    </main>
  );
}
