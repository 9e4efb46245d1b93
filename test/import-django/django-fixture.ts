/**
 * A Django site's database, made for the import tests on the PostgreSQL server: the tables Django 5.0
 * creates for its auth and contenttypes apps and for the site's blog and résumé apps (origin-system.md
 * §2.12), with Django's names and column types, filled with what a real site holds: users with Django
 * pbkdf2_sha256 hashes, a group with permissions (one Keen has no counterpart for), Russian posts in
 * CKEditor HTML with an image and a <script>, a draft, tags, approved and unapproved comments, an active
 * résumé with every kind of entry and an inactive one.
 */
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { adminQuery } from '../support/database.js';

export const DJANGO_SERVER_URL =
  process.env.KEEN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** How Django 5.0's PBKDF2PasswordHasher encodes a password (its default iterations and salt length). */
export function djangoPbkdf2(
  password: string,
  salt = randomBytes(16).toString('base64url').slice(0, 22),
): string {
  const iterations = 720_000;
  const hash = pbkdf2Sync(password, salt, iterations, 32, 'sha256').toString('base64');
  return `pbkdf2_sha256$${iterations}$${salt}$${hash}`;
}

export const OWNER_PASSWORD = 'Сложный-пароль-2025';

const SCHEMA = `
CREATE TABLE django_content_type (id serial PRIMARY KEY, app_label varchar(100) NOT NULL, model varchar(100) NOT NULL,
  UNIQUE (app_label, model));
CREATE TABLE auth_permission (id serial PRIMARY KEY, name varchar(255) NOT NULL,
  content_type_id integer NOT NULL REFERENCES django_content_type, codename varchar(100) NOT NULL,
  UNIQUE (content_type_id, codename));
CREATE TABLE auth_group (id serial PRIMARY KEY, name varchar(150) NOT NULL UNIQUE);
CREATE TABLE auth_group_permissions (id bigserial PRIMARY KEY, group_id integer NOT NULL REFERENCES auth_group,
  permission_id integer NOT NULL REFERENCES auth_permission, UNIQUE (group_id, permission_id));
CREATE TABLE auth_user (id serial PRIMARY KEY, password varchar(128) NOT NULL, last_login timestamptz NULL,
  is_superuser boolean NOT NULL, username varchar(150) NOT NULL UNIQUE, first_name varchar(150) NOT NULL,
  last_name varchar(150) NOT NULL, email varchar(254) NOT NULL, is_staff boolean NOT NULL,
  is_active boolean NOT NULL, date_joined timestamptz NOT NULL);
CREATE TABLE auth_user_groups (id bigserial PRIMARY KEY, user_id integer NOT NULL REFERENCES auth_user,
  group_id integer NOT NULL REFERENCES auth_group, UNIQUE (user_id, group_id));
CREATE TABLE auth_user_user_permissions (id bigserial PRIMARY KEY, user_id integer NOT NULL REFERENCES auth_user,
  permission_id integer NOT NULL REFERENCES auth_permission, UNIQUE (user_id, permission_id));
CREATE TABLE blog_category (id bigserial PRIMARY KEY, name varchar(100) NOT NULL UNIQUE,
  slug varchar(100) NOT NULL UNIQUE, description text NOT NULL, created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL);
CREATE TABLE blog_tag (id bigserial PRIMARY KEY, name varchar(50) NOT NULL UNIQUE, slug varchar(50) NOT NULL UNIQUE,
  created_at timestamptz NOT NULL);
CREATE TABLE blog_post (id bigserial PRIMARY KEY, title varchar(200) NOT NULL, slug varchar(200) NOT NULL UNIQUE,
  content text NOT NULL, excerpt varchar(500) NOT NULL,
  status varchar(10) NOT NULL CONSTRAINT blog_post_status_valid CHECK (status IN ('draft', 'published')),
  featured_image varchar(100) NOT NULL, meta_description varchar(160) NOT NULL, meta_keywords varchar(255) NOT NULL,
  created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, published_at timestamptz NULL,
  author_id integer NOT NULL REFERENCES auth_user, category_id bigint NULL REFERENCES blog_category,
  view_count integer NOT NULL DEFAULT 0);
CREATE TABLE blog_post_tags (id bigserial PRIMARY KEY, post_id bigint NOT NULL REFERENCES blog_post,
  tag_id bigint NOT NULL REFERENCES blog_tag, UNIQUE (post_id, tag_id));
CREATE TABLE blog_comment (id bigserial PRIMARY KEY, author_name varchar(100) NOT NULL,
  author_email varchar(254) NOT NULL, author_url varchar(200) NOT NULL, content text NOT NULL,
  is_approved boolean NOT NULL, ip_address inet NULL, created_at timestamptz NOT NULL,
  post_id bigint NOT NULL REFERENCES blog_post, user_id integer NULL REFERENCES auth_user);
CREATE TABLE resume_profile (id bigserial PRIMARY KEY, full_name varchar(200) NOT NULL, title varchar(300) NOT NULL,
  email varchar(254) NOT NULL, linkedin_url varchar(200) NOT NULL, location varchar(200) NOT NULL, summary text NOT NULL,
  photo varchar(100) NOT NULL, is_active boolean NOT NULL, created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL);
CREATE TABLE resume_experience (id bigserial PRIMARY KEY, position varchar(200) NOT NULL, company varchar(200) NOT NULL,
  location varchar(200) NOT NULL, start_date date NOT NULL, end_date date NULL, description text NOT NULL,
  company_description text NOT NULL, "order" integer NOT NULL CHECK ("order" >= 0),
  profile_id bigint NOT NULL REFERENCES resume_profile);
CREATE TABLE resume_skill (id bigserial PRIMARY KEY, name varchar(100) NOT NULL, category varchar(100) NOT NULL,
  "order" integer NOT NULL CHECK ("order" >= 0), profile_id bigint NOT NULL REFERENCES resume_profile,
  UNIQUE (profile_id, name));
CREATE TABLE resume_certification (id bigserial PRIMARY KEY, name varchar(200) NOT NULL, provider varchar(200) NOT NULL,
  date_obtained date NULL, credential_url varchar(200) NOT NULL, "order" integer NOT NULL CHECK ("order" >= 0),
  profile_id bigint NOT NULL REFERENCES resume_profile);
CREATE TABLE resume_achievement (id bigserial PRIMARY KEY, title varchar(200) NOT NULL, description text NOT NULL,
  icon varchar(50) NOT NULL, "order" integer NOT NULL CHECK ("order" >= 0),
  profile_id bigint NOT NULL REFERENCES resume_profile);
CREATE INDEX resume_experience_profile_id_order_idx ON resume_experience (profile_id, "order");
CREATE INDEX resume_skill_profile_id_order_idx ON resume_skill (profile_id, "order");
CREATE INDEX resume_certification_profile_id_order_idx ON resume_certification (profile_id, "order");
CREATE INDEX resume_achievement_profile_id_order_idx ON resume_achievement (profile_id, "order");
CREATE TABLE django_admin_log (id serial PRIMARY KEY, action_time timestamptz NOT NULL, object_id text NULL,
  object_repr varchar(200) NOT NULL, action_flag smallint NOT NULL CHECK (action_flag >= 0), change_message text NOT NULL,
  content_type_id integer NULL REFERENCES django_content_type, user_id integer NOT NULL REFERENCES auth_user);
`;

export const LONG_EXCERPT = `${'Длинная выжимка поста о путешествиях по горам Кавказа. '.repeat(8)}Конец.`;

/** The posts' CKEditor HTML: a figure with an uploaded image, formatting, and a script to be removed. */
export const TRIP_HTML =
  '<p>Мы вышли <strong>рано утром</strong>.</p>\n' +
  '<p><img alt="Эльбрус" src="/media/uploads/2025/06/elbrus.jpg" style="width:600px" /></p>\n' +
  '<script>alert("xss")</script>\n<ul>\n\t<li>Палатка</li>\n\t<li>Горелка</li>\n</ul>';

/** The active profile's CKEditor summary: formatting, an uploaded image, and a script to be removed. */
export const RESUME_SUMMARY_HTML =
  '<p>Разрабатываю веб-сервисы на <strong>Python</strong> и Django с 2012 года.</p>\n' +
  '<p><img alt="Команда" src="/media/uploads/2025/05/team.jpg" style="width:480px" /></p>\n' +
  '<script>document.title = "взлом"</script>';

/** Longer than Keen's 500-character company description: cut at a word on import. */
export const LONG_COMPANY_DESCRIPTION = `${'Крупнейшая технологическая компания России: поиск, карты, такси, доставка. '.repeat(9)}Конец.`;

function data(): string {
  const owner = djangoPbkdf2(OWNER_PASSWORD);
  const editor = djangoPbkdf2('editor-password-1');
  return `
INSERT INTO django_content_type (id, app_label, model) VALUES
  (1, 'auth', 'user'), (2, 'auth', 'group'), (3, 'blog', 'post'), (4, 'blog', 'category'), (5, 'blog', 'comment'),
  (6, 'sessions', 'session'), (7, 'resume', 'profile');
INSERT INTO auth_permission (id, name, content_type_id, codename) VALUES
  (1, 'Can add post', 3, 'add_post'), (2, 'Can change post', 3, 'change_post'), (3, 'Can view post', 3, 'view_post'),
  (4, 'Can change comment', 5, 'change_comment'), (5, 'Can view session', 6, 'view_session');
INSERT INTO auth_group (id, name) VALUES (1, 'Редакторы');
INSERT INTO auth_group_permissions (group_id, permission_id) VALUES (1, 1), (1, 2), (1, 3), (1, 5);
INSERT INTO auth_user (id, password, last_login, is_superuser, username, first_name, last_name, email, is_staff,
  is_active, date_joined) VALUES
  (1, '${owner}', '2025-11-30 18:04:05.123456+03', true, 'owner', 'Иван', 'Петров', 'owner@coreofkeen.com', true, true,
   '2024-01-15 10:00:00+03'),
  (2, '${editor}', NULL, false, 'Editor', 'Мария', '', 'editor@example.com', true, true, '2024-03-01 12:30:00+03'),
  (5, '!unusable', NULL, false, 'former', '', '', '', false, false, '2024-05-05 05:05:05+03');
INSERT INTO auth_user_groups (user_id, group_id) VALUES (2, 1);
INSERT INTO auth_user_user_permissions (user_id, permission_id) VALUES (2, 4);
INSERT INTO blog_category (id, name, slug, description, created_at, updated_at) VALUES
  (1, 'Путешествия', 'travel', 'Поездки и походы', '2024-01-20 10:00:00+03', '2024-01-20 10:00:00+03'),
  (2, 'Код', 'code', '', '2024-01-21 10:00:00+03', '2024-01-21 10:00:00+03');
INSERT INTO blog_tag (id, name, slug, created_at) VALUES
  (1, 'горы', 'gory', '2024-01-20 10:00:00+03'), (2, 'python', 'python', '2024-01-21 10:00:00+03'),
  (3, 'заметки', 'zametki', '2024-01-22 10:00:00+03');
INSERT INTO blog_post (id, title, slug, content, excerpt, status, featured_image, meta_description, meta_keywords,
  created_at, updated_at, published_at, author_id, category_id) VALUES
  (1, 'Поход на Эльбрус', 'pokhod-na-elbrus', $html$${TRIP_HTML}$html$, $ex$${LONG_EXCERPT}$ex$, 'published',
   'blog/featured/2025/06/elbrus.jpg', 'Как мы поднимались на Эльбрус', 'эльбрус, горы',
   '2025-06-10 09:00:00+03', '2025-06-12 21:15:00+03', '2025-06-11 08:00:00+03', 1, 1),
  (2, 'Заметки о Django', 'django-notes', '<p>Модели, <em>формы</em> и админка.</p>', '', 'published', '', '', '',
   '2025-07-01 10:00:00+03', '2025-07-01 10:00:00+03', '2025-07-01 10:00:00+03', 2, 2),
  (3, 'Черновик', 'chernovik', '<p>Ещё не готово.</p>', '', 'draft', '', '', '',
   '2025-08-01 10:00:00+03', '2025-08-02 10:00:00+03', NULL, 1, NULL);
INSERT INTO blog_post_tags (post_id, tag_id) VALUES (1, 1), (1, 3), (2, 2);
INSERT INTO blog_comment (id, author_name, author_email, author_url, content, is_approved, ip_address, created_at,
  post_id, user_id) VALUES
  (1, 'Алексей', 'alexey@example.com', 'https://alexey.example.com/', 'Отличный маршрут!', true, '203.0.113.7',
   '2025-06-12 10:00:00+03', 1, NULL),
  (2, 'Спамер', 'spam@example.com', '', 'Купите наши часы', false, '198.51.100.9', '2025-06-13 10:00:00+03', 1, NULL),
  (3, 'Мария', 'editor@example.com', '', 'Спасибо за заметки.', true, NULL, '2025-07-02 11:00:00+03', 2, 2);
INSERT INTO resume_profile (id, full_name, title, email, linkedin_url, location, summary, photo, is_active, created_at,
  updated_at) VALUES
  (1, 'Иван Петров', 'Ведущий разработчик Python', 'ivan@coreofkeen.com', 'https://www.linkedin.com/in/ivan-petrov/',
   'Москва, Россия', $html$${RESUME_SUMMARY_HTML}$html$, 'resume/photos/ivan.jpg', true, '2024-02-01 10:00:00+03',
   '2025-05-20 18:30:00.654321+03'),
  (2, 'Ivan Petrov', 'Senior Python Developer', '', '', '', '', '', false, '2024-02-02 10:00:00+03',
   '2024-02-02 10:00:00+03');
INSERT INTO resume_experience (id, position, company, location, start_date, end_date, description, company_description,
  "order", profile_id) VALUES
  (1, 'Ведущий разработчик', 'Яндекс', 'Москва', '2021-03-01', NULL,
   '<ul>\n\t<li>Архитектура сервисов</li>\n\t<li>Наставничество</li>\n</ul>', $d$${LONG_COMPANY_DESCRIPTION}$d$, 0, 1),
  (2, 'Разработчик Python', 'Ozon', 'Санкт-Петербург', '2017-09-01', '2021-02-28', '<p>Платёжный сервис.</p>',
   'Интернет-магазин', 1, 1);
INSERT INTO resume_skill (id, name, category, "order", profile_id) VALUES
  (1, 'Python', 'Языки', 0, 1), (2, 'TypeScript', 'Языки', 1, 1), (3, 'PostgreSQL', 'Базы данных', 2, 1),
  (4, 'Django', 'Frameworks', 0, 2);
INSERT INTO resume_certification (id, name, provider, date_obtained, credential_url, "order", profile_id) VALUES
  (1, 'AWS Certified Developer – Associate', 'Amazon Web Services', '2023-04-15',
   'https://www.credly.com/badges/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0', 0, 1);
INSERT INTO resume_achievement (id, title, description, icon, "order", profile_id) VALUES
  (1, 'Доклад на PyCon Russia', '<p>Рассказал о <em>миграциях</em> без простоя.</p>', 'fa-trophy', 0, 1);
INSERT INTO django_admin_log (id, action_time, object_id, object_repr, action_flag, change_message, content_type_id,
  user_id) VALUES
  (1, '2025-06-10 09:00:00+03', '1', 'Поход на Эльбрус', 1, '[{"added": {}}]', 3, 1),
  (2, '2025-06-12 21:15:00+03', '1', 'Поход на Эльбрус', 2,
   '[{"changed": {"fields": ["Content", "Featured image"]}}, {"changed": {"name": "comment", "object": "Спамер", "fields": ["Is approved"]}}]',
   3, 1),
  (3, '2025-06-20 10:00:00+03', '9', 'Старый пост', 3, '', 3, 1),
  (4, '2024-03-01 12:35:00+03', '2', 'Editor', 2, 'Изменен пароль.', 1, 1),
  (5, '2025-05-20 18:30:00+03', '1', 'Иван Петров', 2, '[{"changed": {"fields": ["Summary", "Photo"]}}]', 7, 1),
  (6, '2025-05-21 09:00:00+03', 'abc', 'abc', 3, '', 6, 1);
`;
}

export interface DjangoFixture {
  url: string;
  /** Runs SQL against the Django database (to change it between imports). */
  query(text: string): Promise<void>;
  drop(): Promise<void>;
}

/** True when the PostgreSQL server the fixture needs answers. */
export async function djangoServerAvailable(): Promise<boolean> {
  return adminQuery('SELECT 1', DJANGO_SERVER_URL).then(
    () => true,
    () => false,
  );
}

export async function createDjangoFixture(): Promise<DjangoFixture> {
  const name = `keen_django_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`, DJANGO_SERVER_URL);
  const url = new URL(DJANGO_SERVER_URL);
  url.pathname = `/${name}`;
  const query = (text: string) => adminQuery(text, url.toString());
  await query(SCHEMA);
  await query(data());
  return {
    url: url.toString(),
    query,
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, DJANGO_SERVER_URL),
  };
}
