"use client";

import { ActionForm } from "@/components/ui/action-form";
import type { FormState } from "@/lib/forms";

export interface AlertItem {
  id: number;
  text: string;
  severity: "warning" | "exceeded";
}

/** The organization's open limit alerts, each dismissible by an owner or admin. */
export function AlertsBanner(props: {
  orgId: string;
  alerts: AlertItem[];
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  labels: { title: string; dismiss: string; dismissing: string };
}) {
  return (
    <section
      id="alerts"
      aria-label={props.labels.title}
      className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-4"
      data-test="usage-alerts"
    >
      <h2 className="text-sm font-semibold text-amber-900">{props.labels.title}</h2>
      <ul className="space-y-2">
        {props.alerts.map((alert) => (
          <li
            key={alert.id}
            className="flex flex-wrap items-center justify-between gap-2"
            data-test="usage-alert"
          >
            <span
              className={alert.severity === "exceeded" ? "text-sm text-red-700" : "text-sm text-amber-900"}
            >
              {alert.text}
            </span>
            <ActionForm
              action={props.action}
              hidden={{ orgId: props.orgId, notificationId: String(alert.id) }}
              submitLabel={props.labels.dismiss}
              pendingLabel={props.labels.dismissing}
              submitVariant="secondary"
            />
          </li>
        ))}
      </ul>
    </section>
  );
}
