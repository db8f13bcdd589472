/** The usage page's skeleton while the server reads: the same blocks, so nothing jumps. */
export default function UsageLoading() {
  const block = "animate-pulse rounded-lg bg-slate-200/70";
  return (
    <div className="space-y-6" aria-busy="true" data-test="usage-loading">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="space-y-2">
          <div className={`${block} h-7 w-32`} />
          <div className={`${block} h-4 w-72`} />
        </div>
        <div className={`${block} h-10 w-80`} />
      </div>
      <div className={`${block} h-56`} />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {Array.from({ length: 7 }, (_, i) => (
          <div key={i} className={`${block} h-36`} />
        ))}
      </div>
      <div className={`${block} h-80`} />
    </div>
  );
}
