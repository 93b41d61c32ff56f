package dev.nagare.broker.cli;

/** How the commands print a time lag: {@code 0s}, {@code 0.250s}, {@code 1m05.003s}, {@code 2h00m07.000s}, {@code 3d04h05m06.000s}. */
final class Durations {

    private Durations() {
    }

    /** {@code millis} (not negative) as days, hours, minutes and seconds to the millisecond; {@code 0s} for zero. */
    static String format(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("negative duration " + millis);
        }
        if (millis == 0) {
            return "0s";
        }
        long days = millis / 86_400_000;
        long hours = millis / 3_600_000 % 24;
        long minutes = millis / 60_000 % 60;
        long seconds = millis / 1000 % 60;
        long ms = millis % 1000;
        StringBuilder s = new StringBuilder();
        if (days > 0) {
            s.append(days).append('d');
        }
        if (s.length() > 0 || hours > 0) {
            s.append(s.length() > 0 ? String.format("%02dh", hours) : hours + "h");
        }
        if (s.length() > 0 || minutes > 0) {
            s.append(s.length() > 0 ? String.format("%02dm", minutes) : minutes + "m");
        }
        s.append(s.length() > 0 ? String.format("%02d", seconds) : Long.toString(seconds));
        return s.append(String.format(".%03ds", ms)).toString();
    }
}
