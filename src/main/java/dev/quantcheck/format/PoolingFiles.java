package dev.quantcheck.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;

/** Reads sentence-transformers' {@code modules.json} and {@code 1_Pooling/config.json}. */
final class PoolingFiles {
    static final String MODULES = "modules.json";

    private PoolingFiles() {
    }

    static Pooling read(Path dir) throws ModelDirectoryException {
        Path modulesFile = dir.resolve(MODULES);
        String poolingFolder = "1_Pooling";
        boolean normalize = false;
        if (Files.exists(modulesFile)) {
            JsonNode modules;
            try {
                modules = new com.fasterxml.jackson.databind.ObjectMapper().readTree(modulesFile.toFile());
            } catch (java.io.IOException e) {
                throw new ModelDirectoryException(modulesFile, "it is not valid JSON",
                        "copy modules.json from the original sentence-transformers model");
            }
            if (modules == null || !modules.isArray()) {
                throw new ModelDirectoryException(modulesFile, "it is not a JSON array of modules",
                        "copy modules.json from the original sentence-transformers model");
            }
            for (JsonNode module : modules) {
                String type = module.path("type").asText("");
                if (type.endsWith("Pooling")) {
                    poolingFolder = module.path("path").asText(poolingFolder);
                } else if (type.endsWith("Normalize")) {
                    normalize = true;
                }
            }
        }
        Path poolingConfig = dir.resolve(poolingFolder).resolve("config.json");
        if (!Files.exists(poolingConfig)) {
            return new Pooling(Pooling.Mode.MEAN, normalize);
        }
        ObjectNode config = ModelDirectory.readJsonObject(poolingConfig,
                "copy 1_Pooling/config.json from the original sentence-transformers model");
        return new Pooling(mode(poolingConfig, config), normalize);
    }

    private static Pooling.Mode mode(Path file, ObjectNode config) throws ModelDirectoryException {
        JsonNode named = config.get("pooling_mode");
        if (named != null && named.isTextual()) {
            switch (named.textValue()) {
                case "mean": return Pooling.Mode.MEAN;
                case "cls": return Pooling.Mode.CLS;
                case "max": return Pooling.Mode.MAX;
                case "lasttoken": return Pooling.Mode.LAST_TOKEN;
                default:
                    throw new ModelDirectoryException(file, "pooling_mode \"" + named.textValue() + "\" is not supported",
                            "use mean, cls, max or lasttoken");
            }
        }
        if (config.path("pooling_mode_cls_token").asBoolean(false)) {
            return Pooling.Mode.CLS;
        }
        if (config.path("pooling_mode_max_tokens").asBoolean(false)) {
            return Pooling.Mode.MAX;
        }
        if (config.path("pooling_mode_lasttoken").asBoolean(false)) {
            return Pooling.Mode.LAST_TOKEN;
        }
        for (String unsupported : new String[] {"pooling_mode_mean_sqrt_len_tokens", "pooling_mode_weightedmean_tokens"}) {
            if (config.path(unsupported).asBoolean(false) && !config.path("pooling_mode_mean_tokens").asBoolean(false)) {
                throw new ModelDirectoryException(file, unsupported + " is not supported",
                        "quantcheck pools with mean, cls, max or lasttoken");
            }
        }
        return Pooling.Mode.MEAN;
    }
}
