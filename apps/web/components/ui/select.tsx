"use client";

import * as SelectPrimitive from "@radix-ui/react-select";
import type { ComponentPropsWithoutRef, ReactNode } from "react";

import { cn } from "@/lib/cn";

export interface SelectOption {
  value: string;
  label: ReactNode;
}

export interface SelectProps extends Omit<ComponentPropsWithoutRef<typeof SelectPrimitive.Root>, "children"> {
  options: SelectOption[];
  placeholder?: string;
  id?: string;
  className?: string;
  "aria-label"?: string;
  "data-test"?: string;
}

/** An accessible single-choice select on Radix, styled like the other inputs. */
export function Select({
  options,
  placeholder,
  id,
  className,
  "aria-label": ariaLabel,
  ...props
}: SelectProps) {
  // Radix renders the chosen item's text only once the items have mounted; give it the label up
  // front so the server-rendered trigger is not blank.
  const selected = options.find((option) => option.value === (props.value ?? props.defaultValue));
  return (
    <SelectPrimitive.Root {...props}>
      <SelectPrimitive.Trigger
        id={id}
        aria-label={ariaLabel}
        data-test={props["data-test"]}
        className={cn(
          "inline-flex h-10 min-w-40 items-center justify-between gap-2 rounded-md border border-slate-300 bg-surface px-3 text-sm shadow-sm focus:ring-2 focus:ring-brand-500 focus:outline-none data-[placeholder]:text-slate-400",
          className,
        )}
      >
        <span className="truncate">
          <SelectPrimitive.Value placeholder={placeholder}>{selected?.label}</SelectPrimitive.Value>
        </span>
        <SelectPrimitive.Icon className="text-slate-500" aria-hidden>
          ▾
        </SelectPrimitive.Icon>
      </SelectPrimitive.Trigger>
      <SelectPrimitive.Portal>
        <SelectPrimitive.Content
          position="popper"
          sideOffset={4}
          className="z-50 max-h-72 min-w-(--radix-select-trigger-width) overflow-hidden rounded-md border border-slate-200 bg-surface shadow-lg"
        >
          <SelectPrimitive.Viewport className="p-1">
            {options.map((option) => (
              <SelectPrimitive.Item
                key={option.value}
                value={option.value}
                className="relative flex cursor-pointer items-center rounded px-3 py-2 pl-7 text-sm outline-none select-none data-[highlighted]:bg-slate-100"
              >
                <SelectPrimitive.ItemIndicator className="absolute left-2 text-brand-600">
                  ✓
                </SelectPrimitive.ItemIndicator>
                <SelectPrimitive.ItemText>{option.label}</SelectPrimitive.ItemText>
              </SelectPrimitive.Item>
            ))}
          </SelectPrimitive.Viewport>
        </SelectPrimitive.Content>
      </SelectPrimitive.Portal>
    </SelectPrimitive.Root>
  );
}
