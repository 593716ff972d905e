// What `purge-relay doctor` and GET /admin/doctor report: one check per thing looked at, ok / warning / error,
// with what to do. Names of settings and secrets only, never a value.

export type CheckStatus = 'ok' | 'warning' | 'error';

export interface Check {
  /** What part of the deployment: settings, config, sources, schedules, gotipath, urls. */
  area: string;
  /** What was checked: a setting's name, `distribution main`, `source shop`. */
  subject: string;
  status: CheckStatus;
  message: string;
  /** What to do about a warning or an error. */
  fix?: string;
}

export interface DoctorReport {
  checks: Check[];
  summary: Record<CheckStatus, number>;
  /** `error` when any check is an error, `warning` when any is a warning, else `ok`. */
  status: CheckStatus;
}

const checkOf =
  (status: CheckStatus) =>
  (area: string, subject: string, message: string, fix?: string): Check => ({
    area,
    subject,
    status,
    message,
    ...(fix !== undefined && { fix }),
  });

export const ok = checkOf('ok');
export const warning = checkOf('warning');
export const error = checkOf('error');

export function report(checks: Check[]): DoctorReport {
  const summary = { ok: 0, warning: 0, error: 0 };
  for (const c of checks) summary[c.status]++;
  const status = summary.error > 0 ? 'error' : summary.warning > 0 ? 'warning' : 'ok';
  return { checks, summary, status };
}

/** A host only this machine can reach: a local relay or stand-in. */
export const isLoopback = (hostname: string) =>
  hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
