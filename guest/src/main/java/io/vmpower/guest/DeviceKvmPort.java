package io.vmpower.guest;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A port that is a character device (a real virtio-serial port) or a FIFO, opened once read-write
 * (a virtio port refuses a second open).
 *
 * <p>One {@link FileChannel} can not read and write at once (both hold its position lock), so the
 * one file descriptor gets two channels: one to read, one to write. Closing either signals the
 * threads blocked in both, so a blocked read or write returns at once.
 */
final class DeviceKvmPort implements KvmPort {
  private final Path path;
  private final RandomAccessFile file;
  private final FileChannel in;
  private final FileChannel out;

  private DeviceKvmPort(Path path, RandomAccessFile file, FileChannel in, FileChannel out) {
    this.path = path;
    this.file = file;
    this.in = in;
    this.out = out;
  }

  static DeviceKvmPort open(Path path) throws IOException {
    RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw");
    FileChannel in = new FileInputStream(file.getFD()).getChannel();
    FileChannel out = new FileOutputStream(file.getFD()).getChannel();
    return new DeviceKvmPort(path, file, in, out);
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public boolean endOfFileIsFinal() {
    return false;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return in.read(dst);
  }

  @Override
  public void write(ByteBuffer src) throws IOException {
    while (src.hasRemaining()) {
      out.write(src);
    }
  }

  @Override
  public void close() {
    closeQuietly(out);
    closeQuietly(in);
    try {
      file.close();
    } catch (IOException e) {
      // the descriptor is released whatever close reports
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // as above
    }
  }

  @Override
  public String toString() {
    return "device " + path;
  }
}
