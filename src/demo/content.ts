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
  positions: [
    {
      company: 'Ядро Кина',
      role: 'Ведущий разработчик',
      location: 'Москва',
      startDate: '2022-03-01',
      endDate: null,
      summary: 'Сайт и платформа на TypeScript: сервер приложений, админка, поиск.',
      highlights: ['Перезапуск без потери запросов', 'Админка на двух языках'],
    },
    {
      company: 'Веб-студия',
      role: 'Разработчик',
      location: 'Москва',
      startDate: '2018-09-01',
      endDate: '2022-02-28',
      summary: 'Сайты на Django и PostgreSQL для небольших компаний.',
      highlights: ['Перевёл десять сайтов на HTTPS', 'Ускорил главную страницу в четыре раза'],
    },
  ],
  skills: [
    { name: 'TypeScript', level: '9.5' },
    { name: 'PostgreSQL', level: '9.0' },
    { name: 'Node.js', level: '9.0' },
    { name: 'Python / Django', level: '8.0' },
    { name: 'nginx', level: '7.5' },
    { name: 'Docker', level: '7.0' },
  ],
};
