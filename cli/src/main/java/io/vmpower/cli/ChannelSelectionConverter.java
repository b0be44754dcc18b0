package io.vmpower.cli;

import io.vmpower.core.host.ChannelSelection;
import io.vmpower.core.host.CommandException;
import picocli.CommandLine.ITypeConverter;

/**
 * Reads a channel command's {@code LIST|all} word into a {@link ChannelSelection}. A word it
 * refuses fails with the {@link CommandException} of {@link ChannelSelection#parse}, which {@link
 * HostApp} prints as the command's error ({@code Error: ...}, exit code 1).
 */
public final class ChannelSelectionConverter implements ITypeConverter<ChannelSelection> {
  @Override
  public ChannelSelection convert(String text) throws CommandException {
    return ChannelSelection.parse(text);
  }
}
