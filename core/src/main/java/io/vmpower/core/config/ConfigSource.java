package io.vmpower.core.config;

/**
 * Where the running configuration comes from, read again by a reload: a file, with the command-line
 * options that override it applied again. {@link #NONE} when the host does not run from a
 * configuration (the interactive host without {@code --config}).
 */
public interface ConfigSource {

  /** For messages: the file, e.g. {@code /etc/vmpower/vmpower.yaml}. */
  String name();

  /**
   * Reads the configuration as the host would start with it now.
   *
   * @throws ConfigException saying in one line what is wrong and where
   */
  VmPowerConfig load() throws ConfigException;

  /** No configuration: nothing to reload. */
  ConfigSource NONE =
      new ConfigSource() {
        @Override
        public String name() {
          return "no configuration file";
        }

        @Override
        public VmPowerConfig load() throws ConfigException {
          throw new ConfigException(
              "this host does not run from a configuration file: start it with --daemon or"
                  + " --config FILE");
        }
      };
}
