/**
 * Keys of a shipped configuration file whose comment says "not built yet": the section header (`# … settings …`),
 * or the comment block above the key's group of lines (a blank line ends a group). Indented keys (inside
 * `pathDefaults`) count too, so a remark on path keys is checked like one on global keys.
 */
export function keysMarkedNotBuilt(text: string): Set<string> {
  const marked = new Set<string>();
  let isSectionMarked = false;
  let isGroupMarked = false;
  for (const line of text.split('\n')) {
    if (/^#{5,}/.test(line)) { isSectionMarked = false; isGroupMarked = false; continue; }
    if (/^# .* settings/.test(line)) { isSectionMarked = /not built/.test(line); continue; }
    if (line.trim() === '') { isGroupMarked = false; continue; }
    if (line.trimStart().startsWith('#')) { isGroupMarked ||= /not built/.test(line); continue; }
    const key = /^\s*(\w+):/.exec(line)?.[1];
    if (key !== undefined && (isSectionMarked || isGroupMarked)) marked.add(key);
  }
  return marked;
}
