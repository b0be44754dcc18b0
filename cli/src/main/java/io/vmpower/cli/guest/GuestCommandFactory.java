package io.vmpower.cli.guest;

import io.vmpower.guest.PowerLibrary;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/** Makes the completion candidates that need the power library; the rest as picocli does. */
final class GuestCommandFactory implements IFactory {
  private final PowerLibrary library;
  private final IFactory fallback = CommandLine.defaultFactory();

  GuestCommandFactory(PowerLibrary library) {
    this.library = library;
  }

  @Override
  public <K> K create(Class<K> cls) throws Exception {
    if (cls == LcoreCandidates.class) {
      return cls.cast(new LcoreCandidates(library));
    }
    if (cls == LcoreOrAllCandidates.class) {
      return cls.cast(new LcoreOrAllCandidates(library));
    }
    return fallback.create(cls);
  }
}
