/**
 * The Django columns the import knows, table by table: Django 5.0's own and the site's models as
 * origin-system.md §2.12 gives them. A column beyond these (a field the site added later) is reported
 * in the rehearsal, so no data is left behind without the owner knowing. Columns known but not kept
 * (a category's description, a comment's IP address) have report lines of their own.
 */
import type { DjangoSource } from './source.js';

const KNOWN_COLUMNS: Record<string, readonly string[]> = {
  auth_user: [
    'id',
    'password',
    'last_login',
    'is_superuser',
    'username',
    'first_name',
    'last_name',
    'email',
    'is_staff',
    'is_active',
    'date_joined',
  ],
  auth_group: ['id', 'name'],
  blog_category: ['id', 'name', 'slug', 'description', 'created_at', 'updated_at'],
  blog_tag: ['id', 'name', 'slug', 'created_at'],
  blog_post: [
    'id',
    'title',
    'slug',
    'content',
    'excerpt',
    'status',
    'featured_image',
    'meta_description',
    'meta_keywords',
    'created_at',
    'updated_at',
    'published_at',
    'author_id',
    'category_id',
  ],
  blog_comment: [
    'id',
    'author_name',
    'author_email',
    'author_url',
    'content',
    'is_approved',
    'ip_address',
    'created_at',
    'post_id',
    'user_id',
  ],
  resume_profile: [
    'id',
    'full_name',
    'title',
    'email',
    'linkedin_url',
    'location',
    'summary',
    'photo',
    'is_active',
    'created_at',
    'updated_at',
  ],
  resume_experience: [
    'id',
    'position',
    'company',
    'location',
    'start_date',
    'end_date',
    'description',
    'company_description',
    'order',
    'profile_id',
  ],
  resume_skill: ['id', 'name', 'category', 'order', 'profile_id'],
  resume_certification: ['id', 'name', 'provider', 'date_obtained', 'credential_url', 'order', 'profile_id'],
  resume_achievement: ['id', 'title', 'description', 'icon', 'order', 'profile_id'],
  django_admin_log: [
    'id',
    'action_time',
    'object_id',
    'object_repr',
    'action_flag',
    'change_message',
    'content_type_id',
    'user_id',
  ],
};

/** One report line per column of a table the import reads that it does not know. */
export async function unknownColumns(source: DjangoSource): Promise<string[]> {
  const columns = await source.rows<{ table: string; column: string }>(
    `SELECT table_name AS table, column_name AS column FROM information_schema.columns
      WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  return columns
    .filter(({ table, column }) => KNOWN_COLUMNS[table] && !KNOWN_COLUMNS[table].includes(column))
    .map(
      ({ table, column }) => `${table}.${column}: a column Keen does not know; its values are not imported`,
    );
}
