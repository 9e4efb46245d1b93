// The media settings: local by default, S3 from S3_* or the origin deployment's USE_R2/R2_* names, and
// one line naming the variable when something S3 needs is missing or wrong.
import { tmpdir } from 'node:os';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SettingsError } from '../../src/errors.js';
import { loadSettings } from '../../src/settings.js';

const BASE = {
  SECRET_KEY: `${'k'.repeat(20)}abcdefghijklmnopqrstuvwxyz0123456789`,
  DATABASE_URL: 'postgres://k@db/k',
};
const S3 = {
  MEDIA_STORAGE: 's3',
  S3_ENDPOINT_URL: 'https://account.r2.cloudflarestorage.com',
  S3_BUCKET: 'site-media',
  S3_ACCESS_KEY_ID: 'key-id',
  S3_SECRET_ACCESS_KEY: 'very-secret-value',
};
const R2 = {
  USE_R2: 'True',
  R2_ENDPOINT_URL: 'https://origin.r2.cloudflarestorage.com',
  R2_BUCKET_NAME: 'coreofkeen-media',
  R2_ACCESS_KEY_ID: 'r2-id',
  R2_SECRET_ACCESS_KEY: 'r2-secret-value',
};

function failure(env: Record<string, string>): SettingsError {
  try {
    loadSettings({ ...BASE, ...env });
  } catch (error) {
    if (error instanceof SettingsError) return error;
    throw error;
  }
  throw new Error(`expected a SettingsError for ${JSON.stringify(env)}`);
}

describe('media settings', () => {
  it('defaults: local storage, 10 MB uploads, the system temp folder', () => {
    const s = loadSettings(BASE);
    expect(s.mediaStorage).toBe('local');
    expect(s.s3).toBeNull();
    expect(s.fileUploadMaxSize).toBe(10_485_760);
    expect(s.fileUploadTempDir).toBe(tmpdir());
  });

  it('MEDIA_STORAGE=s3 reads the S3_* variables; the region defaults to auto; URLs use endpoint/bucket', () => {
    const s = loadSettings({ ...BASE, ...S3, S3_ENDPOINT_URL: 'https://account.r2.cloudflarestorage.com/' });
    expect(s.mediaStorage).toBe('s3');
    expect(s.s3).toMatchObject({
      endpointUrl: 'https://account.r2.cloudflarestorage.com',
      bucket: 'site-media',
      accessKeyId: 'key-id',
      region: 'auto',
      publicBaseUrl: 'https://account.r2.cloudflarestorage.com/site-media',
    });
    expect(s.s3?.secretAccessKey.reveal()).toBe('very-secret-value');
  });

  it("accepts the origin deployment's USE_R2 and R2_* names; S3_* win when both are set", () => {
    const r2 = loadSettings({ ...BASE, ...R2, R2_CUSTOM_DOMAIN: 'media.coreofkeen.com' });
    expect(r2.mediaStorage).toBe('s3');
    expect(r2.s3).toMatchObject({
      endpointUrl: 'https://origin.r2.cloudflarestorage.com',
      bucket: 'coreofkeen-media',
      accessKeyId: 'r2-id',
      publicBaseUrl: 'https://media.coreofkeen.com',
    });
    expect(r2.s3?.secretAccessKey.reveal()).toBe('r2-secret-value');
    const both = loadSettings({ ...BASE, ...R2, ...S3, S3_CUSTOM_DOMAIN: 'https://cdn.example.com/media/' });
    expect(both.s3).toMatchObject({ bucket: 'site-media', publicBaseUrl: 'https://cdn.example.com/media' });
  });

  it('a missing S3 value stops the start naming the variable (and its R2 alternative)', () => {
    for (const name of [
      'S3_ENDPOINT_URL',
      'S3_BUCKET',
      'S3_ACCESS_KEY_ID',
      'S3_SECRET_ACCESS_KEY',
    ] as const) {
      const env: Record<string, string> = { ...S3 };
      delete env[name];
      const error = failure(env);
      expect(error.variable).toBe(name);
      expect(error.message).toMatch(new RegExp(`^${name} is required when MEDIA_STORAGE is s3 \\(R2_`));
    }
    expect(failure({ USE_R2: 'true' }).variable).toBe('S3_ENDPOINT_URL');
  });

  it('bad values are refused with one line naming the variable', () => {
    const cases: [Record<string, string>, string][] = [
      [{ MEDIA_STORAGE: 'ftp' }, 'MEDIA_STORAGE'],
      [{ MEDIA_STORAGE: 'local', USE_R2: 'true' }, 'USE_R2'],
      [{ USE_R2: 'maybe' }, 'USE_R2'],
      [{ ...S3, S3_ENDPOINT_URL: 'ftp://x.example.com' }, 'S3_ENDPOINT_URL'],
      [{ ...S3, S3_ENDPOINT_URL: 'https://account.r2.cloudflarestorage.com/site-media' }, 'S3_ENDPOINT_URL'],
      [{ ...S3, S3_ENDPOINT_URL: 'https://user:pw@x.example.com' }, 'S3_ENDPOINT_URL'],
      [{ ...S3, S3_BUCKET: 'Bad_Bucket' }, 'S3_BUCKET'],
      [{ ...S3, S3_REGION: 'EU West' }, 'S3_REGION'],
      [{ ...S3, S3_CUSTOM_DOMAIN: 'https://cdn.example.com/?x=1' }, 'S3_CUSTOM_DOMAIN'],
      [{ ...R2, R2_BUCKET_NAME: 'x' }, 'R2_BUCKET_NAME'],
      [{ FILE_UPLOAD_MAX_SIZE: '10MB' }, 'FILE_UPLOAD_MAX_SIZE'],
      [{ FILE_UPLOAD_MAX_SIZE: '0' }, 'FILE_UPLOAD_MAX_SIZE'],
    ];
    for (const [env, variable] of cases) {
      const error = failure(env);
      expect(error.variable, JSON.stringify(env)).toBe(variable);
      expect(error.message.startsWith(variable)).toBe(true);
      expect(error.message).not.toContain('\n');
    }
  });

  it('the secret access key never shows in JSON or inspection of the settings', () => {
    const s = loadSettings({ ...BASE, ...S3 });
    expect(JSON.stringify(s)).not.toContain('very-secret-value');
    expect(inspect(s, { depth: 10 })).not.toContain('very-secret-value');
  });
});
