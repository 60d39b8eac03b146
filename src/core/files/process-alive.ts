// Whether a process id is running (on this machine): for sweeping files and folders that dead processes left behind.

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // running, but someone else's
  }
}
