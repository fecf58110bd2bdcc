-- How a person is shown (GET /me, /users): optional, trimmed and at most 200 characters, checked
-- by the API; existing users have none.

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "display_name" TEXT;
