/**
 * Runs a cache invalidation (revalidatePath, revalidateTag). Outside a Next.js request (scripts,
 * tests calling server code directly) there is no cache to drop, and Next says so by throwing;
 * that case is skipped, anything else is rethrown.
 */
export function revalidateInRequest(invalidate: () => void): void {
  try {
    invalidate();
  } catch (error) {
    if (!(error instanceof Error && /store missing|outside a request/i.test(error.message))) throw error;
  }
}
