package dev.nagare.broker.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;

/**
 * IncrementalAlterConfigs' operations on one resource's set of values, as Kafka applies them: SET replaces a value,
 * DELETE removes it (nothing to remove is fine), APPEND adds the comma-separated items not yet in a list value and
 * SUBTRACT removes them; a list not set yet starts from its default.
 *
 * <p>Stateless; thread-safe.
 */
public final class ConfigOps {

    /** One operation; {@code value} is null for DELETE. */
    public record Op(String name, OpType type, String value) {
    }

    private ConfigOps() {
    }

    /**
     * The values after {@code ops}; {@code current} is not changed.
     *
     * @param isList       whether a key's value is a list (APPEND and SUBTRACT apply only to lists)
     * @param defaultValue the value a list starts from when it is not set
     * @throws InvalidRequestException       a key named twice
     * @throws InvalidConfigurationException APPEND or SUBTRACT on a key that is not a list
     */
    public static Map<String, String> apply(Map<String, String> current, List<Op> ops, Predicate<String> isList,
                                            Function<String, String> defaultValue) {
        Set<String> seen = new HashSet<>();
        for (Op op : ops) {
            if (!seen.add(op.name())) {
                throw new InvalidRequestException("Error due to duplicate config keys");
            }
        }
        Map<String, String> values = new LinkedHashMap<>(current);
        for (Op op : ops) {
            switch (op.type()) {
                case SET -> values.put(op.name(), op.value());
                case DELETE -> values.remove(op.name());
                case APPEND, SUBTRACT -> {
                    if (!isList.test(op.name())) {
                        throw new InvalidConfigurationException("Can't " + op.type() + " to key " + op.name()
                                + " because its type is not LIST.");
                    }
                    String old = values.containsKey(op.name()) ? values.get(op.name()) : defaultValue.apply(op.name());
                    List<String> items = new ArrayList<>(parts(old));
                    for (String item : parts(op.value())) {
                        if (op.type() == OpType.SUBTRACT) {
                            items.remove(item);
                        } else if (!items.contains(item)) {
                            items.add(item);
                        }
                    }
                    values.put(op.name(), String.join(",", items));
                }
            }
        }
        return values;
    }

    private static List<String> parts(String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
