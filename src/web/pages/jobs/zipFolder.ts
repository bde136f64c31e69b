/**
 * Zips the files of a folder picked with `<input webkitdirectory>` the way Ray packages a
 * `working_dir`: paths relative to the folder itself (its own name is dropped), so the job's
 * current directory holds the folder's contents. fflate is loaded only when a folder is zipped.
 * @param files - the picked files; each `webkitRelativePath` starts with the folder's name
 */
export async function zipFolder(files: readonly File[]): Promise<Uint8Array<ArrayBuffer>> {
  const { zipSync } = await import('fflate');
  const entries: Record<string, Uint8Array> = {};
  for (const file of files) {
    const relative = file.webkitRelativePath || file.name;
    const inside = relative.includes('/') ? relative.slice(relative.indexOf('/') + 1) : relative;
    entries[inside] = new Uint8Array(await file.arrayBuffer());
  }
  // Copied into a plain ArrayBuffer-backed array, which fetch accepts as a body.
  return new Uint8Array(zipSync(entries, { level: 6 }));
}
