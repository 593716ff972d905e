// What an operator types as a manual purge path, checked before anything is queued: a path or a full URL of the
// distribution's public host (its origin stripped), no whitespace or control characters (Gotipath refuses them,
// and a dead letter is a worse answer than a message now). Pure; the admin API, the console form and its live check
// agree because they all use it (the console's script mirrors it for typing; the server has the last word).

const FORBIDDEN = /[\s\u0000-\u001f\u007f]/;

export type PathCheck = { path: string } | { problem: string };

/** One typed line as the path to purge, or what is wrong with it. */
export function checkManualPath(line: string, publicBaseUrl?: string): PathCheck {
  const typed = line.trim();
  let path = typed;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(typed)) {
    let url: URL;
    try {
      url = new URL(typed);
    } catch {
      return { problem: `"${typed}" is not a valid URL` };
    }
    const home = publicBaseUrl ? new URL(publicBaseUrl).origin : undefined;
    if (url.origin !== home)
      return {
        problem: home
          ? `"${typed}" is not on this distribution's public host (${home}): give a path, or a URL of ${home}`
          : `"${typed}" is a full URL, but this distribution has no publicBaseUrl to compare it with: give the path alone`,
      };
    // The path as it stood in the typed URL (URL keeps %-escapes as typed and adds none to a valid path).
    path = typed.slice(url.origin.length) || '/';
    if (path.includes('#')) path = path.slice(0, path.indexOf('#'));
  }
  if (!path.startsWith('/')) return { problem: `"${typed}": a path must start with "/"` };
  if (FORBIDDEN.test(path)) return { problem: `"${typed}" has a space or control character: write a space as %20` };
  if (path.length > 2048) return { problem: `"${typed.slice(0, 40)}…" is longer than 2,048 characters` };
  return { path };
}

/** Every line of a textarea checked: the paths, and the problems each with its line number. */
export function checkManualPaths(text: string, publicBaseUrl?: string): { paths: string[]; problems: string[] } {
  const paths: string[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const checked = checkManualPath(line, publicBaseUrl);
    if ('path' in checked) paths.push(checked.path);
    else problems.push(`line ${i + 1}: ${checked.problem}`);
  });
  return { paths, problems };
}
