import { z } from "zod";

import { defaultLocale, locales } from "./config";

/** The `locale` hidden field forms send, so an action can answer in the page's language. */
export const localeField = { locale: z.enum(locales).catch(defaultLocale) };
