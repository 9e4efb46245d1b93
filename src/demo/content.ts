/**
 * The demo site `keen loaddemo` writes: a Russian personal site with a few posts in both languages
 * (Markdown with a table, code and an image), tags, comments waiting for moderation, and a résumé.
 * Plain data, so it reads like the site it makes.
 */

export const DEMO_SITE = {
  siteName: 'Ядро Кина',
  tagline: 'Заметки инженера о вебе, базах данных и TypeScript',
  about:
    'Привет! Я пишу о том, как строить сайты, которые быстро открываются и долго живут.\n\n' +
    'Здесь — записи блога и моё резюме. Демо-содержимое: замените его в админке.',
};

export interface DemoPost {
  title: string;
  category: string;
  tags: string[];
  daysAgo: number;
  /** Markdown; `{image}` is replaced by the demo image's URL. */
  body: string;
  comments?: { name: string; email: string; body: string }[];
}

export const DEMO_CATEGORIES = [
  { name: 'Инженерия', slug: 'engineering' },
  { name: 'Заметки', slug: 'notes' },
];

export const DEMO_POSTS: DemoPost[] = [
  {
    title: 'Как устроен трёхуровневый сайт',
    category: 'Инженерия',
    tags: ['архитектура', 'nginx', 'postgresql'],
    daysAgo: 2,
    body: `Классический сайт — это три слоя: **веб-сервер**, **сервер приложений** и **база данных**.

![Схема трёх уровней]({image})

| Слой | Что делает | Здесь |
|---|---|---|
| Веб-сервер | TLS, статика, буферизация | nginx |
| Приложение | страницы, формы, админка | Keen |
| База данных | данные и поиск | PostgreSQL |

Почему так, а не «всё в одном процессе»? Каждый слой можно **масштабировать** и **перезапускать**
отдельно, а nginx защищает приложение от медленных клиентов.

- [x] статика отдаётся nginx
- [x] приложение перезапускается без потери запросов
- [ ] реплика базы для чтения`,
    comments: [
      {
        name: 'Анна',
        email: 'anna@example.com',
        body: 'Спасибо, очень понятно! А как быть с сессиями при нескольких воркерах?',
      },
    ],
  },
  {
    title: 'Полнотекстовый поиск по-русски в PostgreSQL',
    category: 'Инженерия',
    tags: ['postgresql', 'поиск'],
    daysAgo: 9,
    body: `PostgreSQL умеет искать по словоформам: запрос «походы» находит «поход».

\`\`\`sql
select title, ts_rank_cd(search_vector, q) as rank
from blog_post, websearch_to_tsquery('russian', 'походы') q
where search_vector @@ q
order by rank desc;
\`\`\`

Сгенерированный столбец \`tsvector\` с индексом GIN держит поиск быстрым, а \`ts_headline\`
подсвечивает найденные слова в отрывке.`,
  },
  {
    title: 'Zero-downtime restarts in Node.js',
    category: 'Инженерия',
    tags: ['node.js', 'operations'],
    daysAgo: 16,
    body: `A restart should never drop a request. The supervisor starts the new worker first, waits until it
is **ready**, then asks the old one to finish what it is doing.

\`\`\`ts
process.on('SIGTERM', async () => {
  await server.close(); // stop accepting, finish in-flight requests
  process.exit(0);
});
\`\`\`

> The same idea as Gunicorn's graceful reload, in TypeScript.`,
    comments: [{ name: 'Sam', email: 'sam@example.com', body: 'What about long-polling clients?' }],
  },
  {
    title: 'Что почитать об устройстве веба',
    category: 'Заметки',
    tags: ['книги'],
    daysAgo: 30,
    body: `Короткий список того, что мне помогло:

1. *High Performance Browser Networking* — о сети без мистики.
2. *Designing Data-Intensive Applications* — о данных и компромиссах.
3. Документация PostgreSQL — лучшая документация среди баз данных.`,
  },
];

export const DEMO_RESUME = {
  profile: {
    fullName: 'Алексей Кинов',
    title: 'Ведущий разработчик, TypeScript и PostgreSQL',
    email: 'alexey@example.com',
    location: 'Москва',
    githubUrl: 'https://github.com/example',
    linkedinUrl: 'https://www.linkedin.com/in/example',
    summary: `Делаю быстрые и надёжные сайты: от схемы базы данных до последнего пикселя.

- **Десять лет** в веб-разработке, из них шесть — с PostgreSQL в продакшене.
- Люблю простые решения, тесты и понятные логи.`,
  },
  experience: [
    {
      position: 'Ведущий разработчик',
      company: 'Ядро Кина',
      companyDescription: 'Платформа для личных сайтов на TypeScript.',
      location: 'Москва',
      startDate: '2022-03-01',
      endDate: null,
      description: `Сайт и платформа на TypeScript: сервер приложений, админка, поиск.

- Перезапуск без потери запросов
- Админка на двух языках`,
    },
    {
      position: 'Разработчик',
      company: 'Веб-студия',
      companyDescription: 'Сайты для небольших компаний.',
      location: 'Москва',
      startDate: '2018-09-01',
      endDate: '2022-02-28',
      description: `Сайты на *Django* и PostgreSQL.

- Перевёл десять сайтов на HTTPS
- Ускорил главную страницу в четыре раза`,
    },
  ],
  skills: [
    { name: 'TypeScript', category: 'Языки', level: '9.5' },
    { name: 'Python', category: 'Языки', level: '8.0' },
    { name: 'PostgreSQL', category: 'Данные', level: '9.0' },
    { name: 'Redis', category: 'Данные', level: '7.0' },
    { name: 'Node.js', category: 'Платформы', level: '9.0' },
    { name: 'nginx', category: 'Платформы', level: '7.5' },
    { name: 'Docker', category: 'Платформы', level: '7.0' },
  ],
  certifications: [
    {
      name: 'PostgreSQL Professional',
      provider: 'Postgres Professional',
      dateObtained: '2021-06-15',
      credentialUrl: 'https://example.com/credential/123',
    },
  ],
  achievements: [
    {
      title: 'Доклад на конференции',
      description: 'Рассказал о полнотекстовом поиске по-русски в PostgreSQL.',
      icon: 'star',
    },
  ],
  education: [
    {
      school: 'Московский государственный университет',
      degree: 'Специалист',
      field: 'Прикладная математика',
      startYear: 2009,
      endYear: 2014,
    },
  ],
};
