// `npm run db:migrate`: applies pending migrations to DATABASE_URL (or the embedded database).
import { prepare } from './runtime.js';

const { db } = await prepare({ migrate: true });
await db.stop();
