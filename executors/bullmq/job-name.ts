/**
 * The name of a job: which function a worker runs, written so that it means the same on every
 * machine, and so that a worker runs nothing but the modules it was told to trust.
 *
 * A `file:` URL names a file on the machine that made it. The producer writes a module under its
 * `moduleRoot` as `root:<path relative to it>#<export>`; each worker reads that back under its
 * own `moduleRoot`. Anything else (another directory, `..`, a `data:` or `http:` URL, a bare
 * package or `node:` name) is refused on both sides: whoever can write to Redis can add jobs,
 * and must not be able to make a worker import arbitrary code.
 *
 * @module
 */

import { isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const PREFIX = "root:";

/** @internal What a worker runs: a module under its root, and an export of it. */
export interface _JobTarget {
  readonly moduleUrl: string;
  readonly exportName: string;
}

/**
 * @internal The job name of `target` (a WorkRef's module URL and export) under `moduleRoot`.
 * @throws TypeError if the module is not a `file:` URL under `moduleRoot`, or the export name is empty or has a `#`.
 */
export function _jobName(target: _JobTarget, moduleRoot: string): string {
  checkExport(target.exportName);
  if (!target.moduleUrl.startsWith("file:")) {
    throw new TypeError(`a BullMQ job runs modules under moduleRoot only, named by a file: URL: received ${target.moduleUrl}`);
  }
  const path = relativeInside(fileURLToPath(target.moduleUrl), moduleRoot);
  if (path === undefined) throw new TypeError(`${target.moduleUrl} is outside moduleRoot (${moduleRoot}): workers would refuse it`);
  return `${PREFIX}${path.split(sep).join("/")}#${target.exportName}`;
}

/**
 * @internal The module and export a job name stands for under this worker's `moduleRoot`.
 * @throws TypeError if the name is not one {@link _jobName} writes, or leaves `moduleRoot`.
 */
export function _jobTarget(name: string, moduleRoot: string): _JobTarget {
  const hash = name.lastIndexOf("#");
  if (!name.startsWith(PREFIX) || hash < 0)
    throw new TypeError(`the job name ${JSON.stringify(name)} is not root:<module>#<export>: refused`);
  const exportName = name.slice(hash + 1);
  checkExport(exportName);
  const path = name.slice(PREFIX.length, hash);
  if (path === "" || path.includes("\0") || isAbsolute(path))
    throw new TypeError(`the job name ${JSON.stringify(name)} names no module under moduleRoot: refused`);
  const file = resolve(moduleRoot, ...path.split("/"));
  if (relativeInside(file, moduleRoot) === undefined)
    throw new TypeError(`the job name ${JSON.stringify(name)} leaves moduleRoot (${moduleRoot}): refused`);
  return { moduleUrl: pathToFileURL(file).href, exportName };
}

/**
 * @internal {@link _jobName} for one `moduleRoot`, remembering each module's part: a producer
 * names the same few modules for every job.
 */
export class _JobNamer {
  readonly #moduleRoot: string;
  /** Module URL → `root:<path>#`. */
  readonly #prefixes = new Map<string, string>();

  constructor(moduleRoot: string) {
    this.#moduleRoot = moduleRoot;
  }

  /** @throws TypeError as {@link _jobName} does. */
  name(target: _JobTarget): string {
    const prefix = this.#prefixes.get(target.moduleUrl);
    if (prefix === undefined) {
      const name = _jobName(target, this.#moduleRoot);
      this.#prefixes.set(target.moduleUrl, name.slice(0, name.length - target.exportName.length));
      return name;
    }
    checkExport(target.exportName);
    return prefix + target.exportName;
  }
}

/** `file`'s path relative to `root` when it lies inside it, else undefined. */
function relativeInside(file: string, root: string): string | undefined {
  const path = relative(resolve(root), resolve(file));
  if (path === "" || path === ".." || path.startsWith(`..${sep}`) || isAbsolute(path)) return undefined;
  return path;
}

function checkExport(exportName: string): void {
  if (exportName === "" || exportName.includes("#"))
    throw new TypeError(`a job's export name must be non-empty, without "#": received ${JSON.stringify(exportName)}`);
}
