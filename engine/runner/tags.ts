/**
 * Ansible's tag selection (`--tags`, `--skip-tags`): a task's tags are its own plus its play's.
 * 'always' runs unless skipped explicitly, 'never' runs only when one of its tags is asked for,
 * and the special selectors 'all', 'tagged' and 'untagged' work as in ansible-playbook.
 */
export interface TagFilter {
  tags?: string[];
  skipTags?: string[];
}

export function taskSelected(taskTags: Iterable<string>, filter: TagFilter): boolean {
  const tags = new Set(taskTags);
  const only = new Set(filter.tags?.length ? filter.tags : ['all']);
  const skip = new Set(filter.skipTags ?? []);
  const untagged = tags.size === 0;
  const intersects = (wanted: Set<string>) => [...tags].some((t) => wanted.has(t));

  const selected =
    tags.has('always') ||
    (only.has('all') && !tags.has('never')) ||
    intersects(only) ||
    (only.has('tagged') && !untagged && !tags.has('never')) ||
    (only.has('untagged') && untagged);
  if (!selected) return false;

  if (skip.has('all')) return tags.has('always') && !skip.has('always');
  if (intersects(skip)) return false;
  if (skip.has('tagged') && !untagged) return false;
  if (skip.has('untagged') && untagged) return false;
  return true;
}
