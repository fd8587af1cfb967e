import type { z } from 'zod';
import type { billingSource, ingestion } from '#shared/contracts/billing.js';

export type BillingSource = z.output<typeof billingSource>;
export type Ingestion = z.output<typeof ingestion>;
export type TotalsLine = Ingestion['sourceTotals'][number];
export type IngestionStatus = Ingestion['status'];

/** An ingestion is settled once it succeeded or failed; until then the console polls it. */
export const isSettled = (status: IngestionStatus) => status === 'succeeded' || status === 'failed';
