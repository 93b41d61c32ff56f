package dev.nagare.broker.testing;

import java.io.PrintWriter;
import java.io.StringWriter;

import dev.nagare.broker.cli.NagareCommand;
import picocli.CommandLine;

/**
 * One run of the {@code nagare} command line in this JVM, with what it printed.
 *
 * @param exitCode what the command returned
 * @param out      what it printed on stdout
 * @param err      what it printed on stderr
 */
public record CliRun(int exitCode, String out, String err) {

    /** Runs {@code nagare ARGS…}, capturing its output. */
    public static CliRun nagare(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new NagareCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
