package dev.cartrescue.job.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The FlinkDeployment CRD's openAPIV3Schema as a JSON schema, made as strict as the Kubernetes API
 * server: a field the schema does not define is an error (kubectl's strict field validation rejects
 * it; without it, the server would drop it silently), except where the schema says {@code
 * x-kubernetes-preserve-unknown-fields} (flinkConfiguration).
 */
final class FlinkDeploymentSchema {
  private static final JsonSchema SCHEMA = load();

  private FlinkDeploymentSchema() {}

  /** The schema's complaints about a resource; empty when it is valid. */
  static List<String> problems(JsonNode resource) {
    List<String> problems = new ArrayList<>();
    for (ValidationMessage message : SCHEMA.validate(resource)) {
      problems.add(message.getMessage());
    }
    return problems;
  }

  private static JsonSchema load() {
    JsonNode crd = Repository.yamlDocuments(Repository.flinkDeploymentCrd()).get(0);
    JsonNode version = null;
    for (JsonNode v : crd.path("spec").path("versions")) {
      if ("v1beta1".equals(v.path("name").asText())) {
        version = v;
      }
    }
    if (version == null) {
      throw new AssertionError("the CRD has no version v1beta1");
    }
    ObjectNode schema = version.path("schema").path("openAPIV3Schema").deepCopy();
    // The API server checks these itself; the CRD's schema leaves them out.
    ObjectNode properties = (ObjectNode) schema.get("properties");
    properties.putObject("apiVersion").putArray("enum").add("flink.apache.org/v1beta1");
    properties.putObject("kind").putArray("enum").add("FlinkDeployment");
    properties.putObject("metadata").put("type", "object");
    schema.putArray("required").add("apiVersion").add("kind").add("metadata").add("spec");
    makeStrict(schema);
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
  }

  private static void makeStrict(JsonNode node) {
    if (node instanceof ArrayNode array) {
      array.forEach(FlinkDeploymentSchema::makeStrict);
      return;
    }
    if (!(node instanceof ObjectNode object)) {
      return;
    }
    boolean preserveUnknown = object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    // Kubernetes' own keywords mean nothing to a JSON schema validator.
    List<String> kubernetesKeywords = new ArrayList<>();
    object
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (name.startsWith("x-kubernetes-")) {
                kubernetesKeywords.add(name);
              }
            });
    object.remove(kubernetesKeywords);
    if (object.has("properties") && !object.has("additionalProperties") && !preserveUnknown) {
      object.put("additionalProperties", false);
    }
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      if (field.getKey().equals("properties")) {
        field.getValue().forEach(FlinkDeploymentSchema::makeStrict);
      } else {
        makeStrict(field.getValue());
      }
    }
  }
}
