import type { WorkingDirFile } from '../../../shared/ray/workingDirZip.ts';

/**
 * Zips the files of a folder picked with `<input webkitdirectory>` the way Ray packages a
 * `working_dir`: paths relative to the folder itself (its own name is dropped), so the job's
 * current directory holds the folder's contents. The ZIP writer (and fflate) load only when a
 * folder is zipped.
 * @param files - the picked files; each `webkitRelativePath` starts with the folder's name
 */
export async function zipFolder(files: readonly File[]): Promise<Uint8Array<ArrayBuffer>> {
  const { zipWorkingDir } = await import('../../../shared/ray/workingDirZip.ts');
  const entries: WorkingDirFile[] = [];
  for (const file of files) {
    const relative = file.webkitRelativePath || file.name;
    const inside = relative.includes('/') ? relative.slice(relative.indexOf('/') + 1) : relative;
    entries.push({ path: inside, bytes: new Uint8Array(await file.arrayBuffer()) });
  }
  return zipWorkingDir(entries);
}
