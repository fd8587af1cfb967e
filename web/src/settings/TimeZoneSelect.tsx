import { useMemo, useState, type ReactNode } from 'react';
import { Controller, type Control, type FieldValues, type Path } from 'react-hook-form';
import { Field } from '../ui/index.js';
import { zoneOptions, zoneLabel, type ZoneOption } from './timezones.js';

/**
 * A searchable time-zone picker: a filter box over a native <select> of every IANA zone the browser
 * knows. The select keeps the current value even when the filter hides it, so nothing changes by
 * typing alone.
 */
export function TimeZoneSelect({
  id,
  value,
  onChange,
  onBlur,
  disabled,
  invalid,
  describedBy,
  name,
}: {
  id: string;
  value: string;
  onChange: (zone: string) => void;
  onBlur?: () => void;
  disabled?: boolean;
  invalid?: boolean;
  describedBy?: string | undefined;
  name?: string;
}) {
  const [filter, setFilter] = useState('');
  const all = zoneOptions();
  const { options, matched } = useMemo(() => {
    const matching = filterZones(all, filter);
    return { options: value && !matching.includes(value) ? [value, ...matching] : matching, matched: matching.length };
  }, [all, filter, value]);
  return (
    <div className="tz-select">
      <input
        type="search"
        aria-label="Search time zones"
        placeholder="Search, e.g. Berlin"
        value={filter}
        disabled={disabled}
        onChange={(e) => {
          const next = e.target.value;
          setFilter(next);
          // Narrowing to exactly one zone picks it, so "berl" + Tab is enough.
          const matches = next.trim() ? filterZones(all, next) : [];
          if (matches.length === 1 && matches[0] !== value) onChange(matches[0]!);
        }}
      />
      <select
        id={id}
        name={name}
        value={value}
        disabled={disabled}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value)}
        onBlur={onBlur}
      >
        {options.map((zone) => (
          <option key={zone} value={zone}>
            {zoneLabel(zone)}
          </option>
        ))}
      </select>
      {filter ? (
        <span className="muted tz-count" aria-live="polite">
          {matched === 1 ? '1 zone matches' : `${matched} zones match`}
        </span>
      ) : null}
    </div>
  );
}

function filterZones(all: ZoneOption[], filter: string): string[] {
  const needle = filter.trim().toLowerCase().replace(/\s+/g, '_');
  const hits = needle ? all.filter((z) => z.value.toLowerCase().includes(needle) || (z.alias?.toLowerCase().includes(needle) ?? false)) : all;
  return hits.map((z) => z.value);
}

/** A labelled time-zone field of a react-hook-form form, with its error and hint. */
export function TimeZoneField<T extends FieldValues>({
  control,
  name,
  error,
  hint,
  onPicked,
}: {
  control: Control<T>;
  name: Path<T>;
  error?: string | undefined;
  hint?: ReactNode;
  /** Called on every pick (say, to clear a "saved" notice). */
  onPicked?: () => void;
}) {
  return (
    <Field label="Time zone" error={error} hint={hint}>
      {(props) => (
        <Controller
          control={control}
          name={name}
          render={({ field }) => (
            <TimeZoneSelect
              id={props.id}
              name={field.name}
              value={(field.value as string | null) ?? ''}
              onChange={(zone) => {
                onPicked?.();
                field.onChange(zone);
              }}
              onBlur={field.onBlur}
              invalid={props['aria-invalid']}
              describedBy={props['aria-describedby']}
            />
          )}
        />
      )}
    </Field>
  );
}
