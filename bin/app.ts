import { cloudOptimaApp } from '../lib/app.js';

/** CDK entry (cdk.json "app"): `npm run synth`, `npx cdk deploy`. Bundle the functions first (`npm run bundle`). */
cloudOptimaApp().app.synth();
