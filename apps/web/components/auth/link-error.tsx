/** Shown when a link from an email brought the person back with an error (used, expired, broken). */
export function LinkError({ message }: { message: string }) {
  return (
    <p
      role="alert"
      className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800"
      data-test="link-error"
    >
      {message}
    </p>
  );
}
