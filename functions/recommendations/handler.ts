import { createApiHandler, tableStores } from '#shared/http/handler.js';
import { functionRuntime } from '#shared/runtime.js';

const runtime = await functionRuntime();

// The routes of shared/contracts/recommendations.ts join the route table with their implementations.
export const handler = createApiHandler('recommendations', [], tableStores(runtime));
