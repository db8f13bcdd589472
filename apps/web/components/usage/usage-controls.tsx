"use client";

import { useQueryStates } from "nuqs";
import { useState, useTransition, type FormEvent } from "react";

import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/select";
import { usageQueryParsers } from "@/app/[locale]/(app)/usage/search-params";
import { DASHBOARD_PERIODS, type DashboardPeriodName } from "@repo/usage";

export interface UsageControlsProps {
  labels: {
    organization: string;
    period: string;
    member: string;
    everyone: string;
    from: string;
    to: string;
    apply: string;
    periods: Record<DashboardPeriodName, string>;
  };
  orgs: { id: string; name: string }[];
  orgId: string;
  /** Owners and admins pick a member; null for plain members. */
  members: { id: string; name: string }[] | null;
  memberId: string | null;
  period: DashboardPeriodName;
  from: string | null;
  to: string | null;
}

const EVERYONE = "everyone";

/** The page's pickers: they write the URL (nuqs), and the server renders the new state. */
export function UsageControls(props: UsageControlsProps) {
  const { labels } = props;
  const [pending, startTransition] = useTransition();
  const [, setQuery] = useQueryStates(usageQueryParsers, { shallow: false, startTransition });
  const [custom, setCustom] = useState(props.period === "custom");

  function applyCustom(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const from = String(form.get("from") ?? "");
    const to = String(form.get("to") ?? "");
    if (!from || !to) return;
    void setQuery({ period: "custom", from: new Date(`${from}T00:00:00Z`), to: new Date(`${to}T00:00:00Z`) });
  }

  return (
    <div className="flex flex-wrap items-end gap-3" data-test="usage-controls" aria-busy={pending}>
      {props.orgs.length > 1 ? (
        <label className="grid gap-1 text-xs font-medium text-slate-600">
          {labels.organization}
          <Select
            aria-label={labels.organization}
            data-test="usage-org"
            value={props.orgId}
            options={props.orgs.map((org) => ({ value: org.id, label: org.name }))}
            onValueChange={(org) => void setQuery({ org, member: null })}
          />
        </label>
      ) : null}
      <label className="grid gap-1 text-xs font-medium text-slate-600">
        {labels.period}
        <Select
          aria-label={labels.period}
          data-test="usage-period"
          value={custom ? "custom" : props.period}
          options={DASHBOARD_PERIODS.map((period) => ({ value: period, label: labels.periods[period] }))}
          onValueChange={(value) => {
            const period = value as DashboardPeriodName;
            setCustom(period === "custom");
            if (period !== "custom") void setQuery({ period, from: null, to: null });
          }}
        />
      </label>
      {props.members ? (
        <label className="grid gap-1 text-xs font-medium text-slate-600">
          {labels.member}
          <Select
            aria-label={labels.member}
            data-test="usage-member"
            value={props.memberId ?? EVERYONE}
            options={[
              { value: EVERYONE, label: labels.everyone },
              ...props.members.map((member) => ({ value: member.id, label: member.name })),
            ]}
            onValueChange={(value) => void setQuery({ member: value === EVERYONE ? null : value })}
          />
        </label>
      ) : null}
      {custom ? (
        <form onSubmit={applyCustom} className="flex flex-wrap items-end gap-2" data-test="usage-custom">
          <label className="grid gap-1 text-xs font-medium text-slate-600">
            {labels.from}
            <input
              type="date"
              name="from"
              required
              defaultValue={props.from ?? ""}
              className="h-10 rounded-md border border-slate-300 bg-surface px-2 text-sm"
            />
          </label>
          <label className="grid gap-1 text-xs font-medium text-slate-600">
            {labels.to}
            <input
              type="date"
              name="to"
              required
              defaultValue={props.to ?? ""}
              className="h-10 rounded-md border border-slate-300 bg-surface px-2 text-sm"
            />
          </label>
          <Button type="submit" variant="secondary" disabled={pending}>
            {labels.apply}
          </Button>
        </form>
      ) : null}
    </div>
  );
}
