/**
 * A post's comments and the comment form. Comment text is plain text: paragraphs from blank lines,
 * line breaks kept, bare http(s) addresses made into links with rel="nofollow ugc noopener"; nothing a
 * commenter types becomes markup. The email is never shown.
 */
import type { ComponentChildren } from 'preact';
import { formatDate } from '../../../i18n/dates.js';
import { type MessageId, type Translate, translator } from '../../../i18n/messages.js';
import type { FormErrors } from '../../../web/forms.js';
import type { PageContext } from '../../../web/render.js';
import { blogMessages } from '../messages.js';
import { safeLinkUrl } from '../text.js';
import type { PublicComment } from './store.js';
import { HONEYPOT_FIELD, LIMITS } from './submission.js';

type BlogTranslate = Translate<MessageId<typeof blogMessages>>;
const LINK_REL = 'nofollow ugc noopener noreferrer';

/** One line of comment text, with its http(s) addresses as links. */
function LineWithLinks({ line }: { line: string }) {
  const parts: ComponentChildren[] = [];
  let last = 0;
  for (const match of line.matchAll(/https?:\/\/[^\s<>"]+[^\s<>".,;:!?)]/g)) {
    const url = safeLinkUrl(match[0]);
    if (!url) continue;
    parts.push(line.slice(last, match.index));
    parts.push(
      <a href={url} rel={LINK_REL}>
        {match[0]}
      </a>,
    );
    last = (match.index ?? 0) + match[0].length;
  }
  parts.push(line.slice(last));
  return <>{parts}</>;
}

function CommentText({ text }: { text: string }) {
  const paragraphs = text.split(/\n\s*\n/).filter((paragraph) => paragraph.trim() !== '');
  return (
    <>
      {paragraphs.map((paragraph) => (
        <p>
          {paragraph.split('\n').map((line, index) => (
            <>
              {index > 0 && <br />}
              <LineWithLinks line={line} />
            </>
          ))}
        </p>
      ))}
    </>
  );
}

export interface CommentFormState {
  values?: { name: string; email: string; url: string; body: string };
  errors?: FormErrors;
  stamp: string;
  csrfToken: string;
  action: string;
}

function Field(props: {
  t: BlogTranslate;
  name: 'name' | 'email' | 'url';
  type: string;
  required: boolean;
  autocomplete: string;
  form: CommentFormState;
}) {
  const { t, name, form } = props;
  const errors = form.errors?.[name] ?? [];
  const id = `comment-${name}`;
  return (
    <div class={errors.length ? 'Field Field--invalid' : 'Field'}>
      <label for={id}>{t(`comments.field.${name}`)}</label>
      <input
        id={id}
        name={name}
        type={props.type}
        value={form.values?.[name] ?? ''}
        required={props.required}
        maxlength={LIMITS[name]}
        autocomplete={props.autocomplete}
        aria-invalid={errors.length ? 'true' : undefined}
      />
      {errors.length > 0 && (
        <ul class="Field-errors">
          {errors.map((error) => (
            <li>{error}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function CommentsSection({
  context,
  comments,
  open,
  form,
}: {
  context: PageContext;
  comments: PublicComment[];
  open: boolean;
  form: CommentFormState | null;
}) {
  const t = translator(blogMessages, context.language);
  const bodyErrors = form?.errors?.body ?? [];
  return (
    <section class="Comments" aria-labelledby="comments-heading">
      <h2 id="comments-heading">{t('comments.heading', { count: comments.length })}</h2>
      {comments.length > 0 && (
        <ol class="CommentList">
          {comments.map((comment) => {
            const url = comment.url ? safeLinkUrl(comment.url) : null;
            return (
              <li class="Comment" id={`comment-${comment.id}`}>
                <p class="Comment-meta">
                  <strong>
                    {url ? (
                      <a href={url} rel={LINK_REL}>
                        {comment.name}
                      </a>
                    ) : (
                      comment.name
                    )}
                  </strong>{' '}
                  <time dateTime={comment.createdAt.toISOString()}>
                    {formatDate(comment.createdAt, context.language, context.timeZone)}
                  </time>
                </p>
                <CommentText text={comment.body} />
              </li>
            );
          })}
        </ol>
      )}
      {!open && <p>{t('comments.closed')}</p>}
      {open && form && (
        <form method="post" action={form.action} class="Form CommentForm" novalidate>
          <h3>{t('comments.formHeading')}</h3>
          <p class="CommentForm-note">{t('comments.moderationNote')}</p>
          {(form.errors?.__all__ ?? []).length > 0 && (
            <ul class="Form-errors" role="alert">
              {form.errors?.__all__?.map((error) => (
                <li>{error}</li>
              ))}
            </ul>
          )}
          <input type="hidden" name="_csrf" value={form.csrfToken} />
          <input type="hidden" name="stamp" value={form.stamp} />
          <Field t={t} name="name" type="text" required autocomplete="name" form={form} />
          <Field t={t} name="email" type="email" required autocomplete="email" form={form} />
          <Field t={t} name="url" type="url" required={false} autocomplete="url" form={form} />
          <div class="CommentForm-trap" aria-hidden="true">
            <label for="comment-website">{t('comments.honeypot')}</label>
            <input id="comment-website" name={HONEYPOT_FIELD} type="text" tabindex={-1} autocomplete="off" />
          </div>
          <div class={bodyErrors.length ? 'Field Field--invalid' : 'Field'}>
            <label for="comment-body">{t('comments.field.body')}</label>
            <textarea id="comment-body" name="body" rows={6} required maxlength={LIMITS.body}>
              {form.values?.body ?? ''}
            </textarea>
            {bodyErrors.length > 0 && (
              <ul class="Field-errors">
                {bodyErrors.map((error) => (
                  <li>{error}</li>
                ))}
              </ul>
            )}
          </div>
          <button type="submit">{t('comments.submit')}</button>
        </form>
      )}
    </section>
  );
}
