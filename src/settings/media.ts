/**
 * Media storage settings: MEDIA_STORAGE (or the origin deployment's USE_R2) and the S3_* variables,
 * each accepting its R2_* name as a fallback so an existing .env keeps working.
 */
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { SettingsError } from '../errors.js';
import { projectRoot } from '../project-root.js';
import type { Settings } from '../settings.js';
import { baseUrl, bool, type Env, int, text } from './env-values.js';
import { Secret } from './secret.js';

/**
 * A trimmed value from `name`, else from `fallback` (the origin deployment's R2_* name), with the name
 * it came from so an error can point at the right one; undefined when both are unset or blank.
 */
function either(env: Env, name: string, fallback: string): { name: string; value: string } | undefined {
  for (const candidate of [name, fallback]) {
    const value = env[candidate]?.trim();
    if (value) return { name: candidate, value };
  }
  return undefined;
}

/** Like {@link either}, but a missing value stops the start (S3 storage needs it). */
function required(env: Env, name: string, fallback: string): { name: string; value: string } {
  const found = either(env, name, fallback);
  if (!found) {
    throw new SettingsError(name, `is required when MEDIA_STORAGE is s3 (${fallback} is accepted too)`);
  }
  return found;
}

/**
 * Media storage: MEDIA_STORAGE (or the origin deployment's USE_R2) and the S3_* variables, each
 * accepting its R2_* name as a fallback so an existing .env keeps working.
 */
export function mediaFromEnv(
  env: Env,
): Pick<Settings, 'mediaStorage' | 's3' | 'fileUploadMaxSize' | 'fileUploadTempDir'> {
  const root = projectRoot();
  const useR2 = bool(env, 'USE_R2', false);
  const chosen = text(env, 'MEDIA_STORAGE', useR2 ? 's3' : 'local').toLowerCase();
  if (chosen !== 'local' && chosen !== 's3') {
    throw new SettingsError('MEDIA_STORAGE', `must be local or s3 (got "${chosen}")`);
  }
  if (chosen === 'local' && useR2) {
    throw new SettingsError('USE_R2', 'is true but MEDIA_STORAGE is local; remove one of them');
  }
  const upload = {
    fileUploadMaxSize: int(env, 'FILE_UPLOAD_MAX_SIZE', 10_485_760, 1),
    fileUploadTempDir: resolve(root, text(env, 'FILE_UPLOAD_TEMP_DIR', tmpdir())),
  };
  if (chosen === 'local') return { mediaStorage: 'local', s3: null, ...upload };

  const endpoint = required(env, 'S3_ENDPOINT_URL', 'R2_ENDPOINT_URL');
  const endpointUrl = baseUrl(endpoint.name, endpoint.value, false);
  const bucket = required(env, 'S3_BUCKET', 'R2_BUCKET_NAME');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket.value)) {
    throw new SettingsError(
      bucket.name,
      `"${bucket.value}" is not a bucket name (3-63 of a-z, 0-9, . and -)`,
    );
  }
  const accessKeyId = required(env, 'S3_ACCESS_KEY_ID', 'R2_ACCESS_KEY_ID').value;
  const secretAccessKey = new Secret(required(env, 'S3_SECRET_ACCESS_KEY', 'R2_SECRET_ACCESS_KEY').value);
  const region = text(env, 'S3_REGION', 'auto');
  if (!/^[a-z0-9-]+$/.test(region)) {
    throw new SettingsError('S3_REGION', `must look like auto or eu-west-1 (got "${region}")`);
  }
  const domain = either(env, 'S3_CUSTOM_DOMAIN', 'R2_CUSTOM_DOMAIN');
  const publicBaseUrl = domain ? baseUrl(domain.name, domain.value, true) : `${endpointUrl}/${bucket.value}`;
  return {
    mediaStorage: 's3',
    s3: Object.freeze({
      endpointUrl,
      bucket: bucket.value,
      accessKeyId,
      secretAccessKey,
      region,
      publicBaseUrl,
    }),
    ...upload,
  };
}
