// drizzle-kit reads this to generate SQL migrations (`keen makemigrations`); `keen migrate` applies them.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './migrations',
});
