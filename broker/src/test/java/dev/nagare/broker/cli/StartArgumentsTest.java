package dev.nagare.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** {@code nagare start}'s arguments read without picocli give what picocli gives, or are left to picocli. */
class StartArgumentsTest {

    @Test
    void aPropertiesFileAndOverridesInBothSpellingsAreReadAsPicocliReadsThem() {
        String[] args = {"--override", "a=1", "config/server.properties", "--override=b=x=y", "--override", "c="};
        NagareCommand.Start plain = NagareCommand.Start.parsePlain(args);
        assertNotNull(plain);
        NagareCommand.Start picocli = new NagareCommand.Start();
        new CommandLine(picocli).parseArgs(args);
        assertEquals(Path.of("config/server.properties"), plain.propertiesFile);
        assertEquals(picocli.propertiesFile, plain.propertiesFile);
        assertEquals(List.of("a=1", "b=x=y", "c="), plain.overrides);
        assertEquals(picocli.overrides, plain.overrides);
    }

    @Test
    void noArgumentsMeanDefaultsEverywhere() {
        NagareCommand.Start plain = NagareCommand.Start.parsePlain(new String[0]);
        assertNotNull(plain);
        assertNull(plain.propertiesFile);
        assertEquals(List.of(), plain.overrides);
    }

    @Test
    void helpVersionUnknownOptionsASecondFileAndAnOverrideWithoutValueAreLeftToPicocli() {
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"-h"}, new String[] {"-V"},
                new String[] {"--overide", "a=1"}, new String[] {"a.properties", "b.properties"},
                new String[] {"--override"}, new String[] {"a.properties", "--bogus"})) {
            assertNull(NagareCommand.Start.parsePlain(args), String.join(" ", args));
        }
    }
}
