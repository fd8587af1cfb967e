/**
 * The IANA time zones this browser knows, with their current UTC offset for display. Browsers list
 * ICU's canonical names, some of them long renamed (Asia/Calcutta, Europe/Kiev): the current IANA
 * name is offered instead, when the browser accepts it, and the old one still finds it in a search.
 */
const RENAMED: Record<string, string> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

export interface ZoneOption {
  value: string;
  /** The name the browser listed, when it differs (searchable). */
  alias: string | null;
}

let cached: ZoneOption[] | null = null;

function accepted(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function zoneOptions(): ZoneOption[] {
  if (cached) return cached;
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  const options = zones
    .filter((z) => z !== 'UTC')
    .map((z): ZoneOption => {
      const renamed = RENAMED[z];
      return renamed && accepted(renamed) ? { value: renamed, alias: z } : { value: z, alias: null };
    })
    .sort((a, b) => a.value.localeCompare(b.value));
  // Chromium leaves UTC out of the list; it is the most common setting for an organization.
  cached = [{ value: 'UTC', alias: null }, ...options];
  return cached;
}

export function timeZones(): string[] {
  return zoneOptions().map((o) => o.value);
}

export function utcOffset(zone: string, at: Date = new Date()): string {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'shortOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName');
    const text = part?.value ?? '';
    return text === 'GMT' ? 'UTC' : text.replace('GMT', 'UTC');
  } catch {
    return '';
  }
}

const labels = new Map<string, string>();

export function zoneLabel(zone: string): string {
  let label = labels.get(zone);
  if (label === undefined) {
    const offset = utcOffset(zone);
    label = offset && zone !== 'UTC' ? `${zone.replace(/_/g, ' ')} (${offset})` : zone.replace(/_/g, ' ');
    labels.set(zone, label);
  }
  return label;
}
