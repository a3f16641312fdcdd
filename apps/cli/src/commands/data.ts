import {
  CIFAR10_MD5,
  CIFAR10_URL,
  defaultCacheDir,
  downloadCifar10,
} from '@nashpobench2/trainer/node';
import type { Command } from 'commander';
import { type CliIO, printJson } from '../io.js';
import { startProgress } from '../progress.js';

/** `nhb data cifar10`: download and verify the CIFAR-10 binary release into the cache folder. */
export function registerData(program: Command, io: CliIO): void {
  const data = program.command('data').description('datasets the trainer needs');
  data
    .command('cifar10')
    .description('download the CIFAR-10 binary release (resumable), verified by its published MD5')
    .option(
      '--cache <dir>',
      'folder to keep it in (default: $NHB_CACHE, else ~/.cache/nashpobench2)',
    )
    .option('--url <url>', 'address to download from (a mirror)', CIFAR10_URL)
    .option('--md5 <hex>', 'expected MD5 of the archive', CIFAR10_MD5)
    .option('--json', 'print the result as JSON')
    .action(async (flags: { cache?: string; url: string; md5: string; json?: boolean }) => {
      const cacheDir = flags.cache ?? defaultCacheDir();
      const megabytes = (bytes: number) => Math.round(bytes / 2 ** 20);
      let progress: ReturnType<typeof startProgress> | null = null;
      const result = await downloadCifar10({
        cacheDir,
        url: flags.url,
        md5: flags.md5,
        onProgress: (bytes, total) => {
          if (!progress && total !== null)
            progress = startProgress(io, 'cifar-10 MiB', megabytes(total));
          progress?.update(megabytes(bytes));
        },
      });
      (progress as ReturnType<typeof startProgress> | null)?.stop();
      if (flags.json) return printJson(io, result);
      const how =
        result.downloadedBytes === 0
          ? 'already in the cache'
          : result.resumed
            ? 'resumed and finished'
            : 'downloaded';
      io.out(`${result.path}: ${how}, MD5 ${result.md5} verified`);
    });
}
