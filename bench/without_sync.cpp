// Preloaded into a server for one experiment only: what the service would do if making a
// change durable cost nothing. fsync and fdatasync return at once without flushing anything,
// so a run under it says how much of a figure the disk's flushes account for. Never use it
// for anything but a benchmark: every acknowledged change may be lost on a crash.
extern "C" {
int fsync(int) { return 0; }
int fdatasync(int) { return 0; }
}
