// For users who run the Prisma CLI themselves (`prisma migrate deploy`): the service applies
// the same migrations at start without it.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
