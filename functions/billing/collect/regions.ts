/**
 * The AWS region of a Cost Explorer usage type, read from its prefix.
 *
 * Cost Explorer's GetCostAndUsage groups by at most two dimensions, and the collector spends them on
 * SERVICE and USAGE_TYPE. AWS writes the region into the usage type as a short billing code
 * (`USW2-BoxUsage:m5.large`, `APS3-Requests-Tier1`, `EU-DataTransfer-Out-Bytes` is Ireland), and a few
 * services (KMS) write the region name itself (`ca-central-1-KMS-Requests`). This table turns the
 * code into the region id.
 *
 * What it cannot know, and answers with `null`:
 * - no prefix at all. Most us-east-1 usage types carry none (`BoxUsage:m5.large`,
 *   `Requests-Tier1`, `DataTransfer-Out-Bytes`), but neither do global ones (`DashboardsUsageHour`,
 *   Route 53, support), so an unprefixed usage type is not guessed to be us-east-1;
 * - CloudFront's edge zones (`US-`, `EU-`, `JP-`, `AP-`, `CA-`, ...): they are price classes, not
 *   regions. `EU` means eu-west-1 for every other service, so it is read with the service in mind;
 * - a code not in the table (a region newer than this table): add it here.
 *
 * Sources: the billing codes AWS documents for usage reports (Amazon S3 user guide, "Understanding
 * your AWS billing and usage reports"), checked against a real CUR export's usage types and
 * product/region columns (../shared/data/focus-converters/aws-cur-sample.csv).
 */
export const USAGE_TYPE_REGION_CODES: Readonly<Record<string, string>> = Object.freeze({
  USE1: 'us-east-1',
  USE2: 'us-east-2',
  USW1: 'us-west-1',
  USW2: 'us-west-2',
  UGE1: 'us-gov-east-1',
  UGW1: 'us-gov-west-1',
  CAN1: 'ca-central-1',
  CAN2: 'ca-west-1',
  MXC1: 'mx-central-1',
  SAE1: 'sa-east-1',
  // eu-west-1 is `EU` in usage types; `EUW1` is accepted as its obvious spelling.
  EU: 'eu-west-1',
  EUW1: 'eu-west-1',
  EUW2: 'eu-west-2',
  EUW3: 'eu-west-3',
  EUC1: 'eu-central-1',
  EUC2: 'eu-central-2',
  EUN1: 'eu-north-1',
  EUS1: 'eu-south-1',
  EUS2: 'eu-south-2',
  APE1: 'ap-east-1',
  APE2: 'ap-east-2',
  APN1: 'ap-northeast-1',
  APN2: 'ap-northeast-2',
  APN3: 'ap-northeast-3',
  APS1: 'ap-southeast-1',
  APS2: 'ap-southeast-2',
  // Not in order: ap-south-1 (Mumbai) is APS3, ap-southeast-3 (Jakarta) is APS4.
  APS3: 'ap-south-1',
  APS4: 'ap-southeast-3',
  APS5: 'ap-south-2',
  APS6: 'ap-southeast-4',
  APS7: 'ap-southeast-5',
  APS8: 'ap-southeast-6',
  APS9: 'ap-southeast-7',
  MES1: 'me-south-1',
  MEC1: 'me-central-1',
  ILC1: 'il-central-1',
  AFS1: 'af-south-1',
  // Cape Town's airport code, seen in older usage types.
  CPT1: 'af-south-1',
  CNN1: 'cn-north-1',
  CNW1: 'cn-northwest-1',
});

/** A region id written out as the prefix (`ca-central-1-KMS-Keys`, `ap-northeast-2_...`). */
const REGION_NAME_PREFIX = /^([a-z]{2}(?:-gov)?-(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-\d{1,2})[-_]/;

/**
 * The region of `usageType` (see the module comment), or null when the usage type does not say.
 * `serviceName` only matters for CloudFront, whose `EU-` is an edge zone, not eu-west-1.
 */
export function regionFromUsageType(usageType: string | null, serviceName?: string | null): string | null {
  if (!usageType) return null;
  const named = REGION_NAME_PREFIX.exec(usageType);
  if (named) return named[1]!;
  const dash = usageType.indexOf('-');
  if (dash <= 0) return null;
  const code = usageType.slice(0, dash);
  if (!Object.hasOwn(USAGE_TYPE_REGION_CODES, code)) return null;
  const region = USAGE_TYPE_REGION_CODES[code]!;
  if (code === 'EU' && serviceName && /cloudfront/i.test(serviceName)) return null;
  return region;
}
