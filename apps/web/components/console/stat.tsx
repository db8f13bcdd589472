import type { ReactNode } from "react";

/** One platform number with its label and an optional line under it. */
export function Stat(props: { label: string; value: string; detail?: ReactNode; test: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-surface p-4 shadow-sm">
      <p className="text-xs font-medium text-slate-500">{props.label}</p>
      <p
        className="mt-1 text-2xl font-semibold tracking-tight text-slate-900 tabular-nums"
        data-test={props.test}
      >
        {props.value}
      </p>
      {props.detail ? <div className="mt-1 text-xs text-slate-500">{props.detail}</div> : null}
    </div>
  );
}
