import HeraldCore

/// Renders an OpenAPI document as one self-contained HTML page: every operation with its
/// summary, description, parameters, request body and answers, and every schema.
enum APIReferencePage {
    static func render(_ document: JSONValue) -> String {
        let info = document["info"]
        var html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(info?["title"]?.stringValue ?? "API")) API reference</title>
            <style>
            body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
            code,pre{font:13px ui-monospace,monospace;background:#f4f4f4;border-radius:3px}
            pre{padding:.6rem;overflow:auto} code{padding:0 .2rem}
            .op{border:1px solid #ddd;border-radius:6px;padding:.4rem 1rem;margin:1rem 0}
            .m{display:inline-block;min-width:4.2rem;font-weight:700;text-transform:uppercase}
            .get{color:#0a6}.post{color:#06c}.patch{color:#a60}.delete{color:#c22}
            table{border-collapse:collapse}td,th{border-bottom:1px solid #eee;padding:.2rem .6rem;text-align:left;vertical-align:top}
            </style></head><body>
            <h1>\(escape(info?["title"]?.stringValue ?? "API")) <small>\(escape(info?["version"]?.stringValue ?? ""))</small></h1>
            <p>\(paragraphs(info?["description"]?.stringValue ?? ""))</p>
            <p>Machine-readable: <a href="/openapi.json">openapi.json</a> · <a href="/openapi.yaml">openapi.yaml</a></p>

            """
        let paths = document["paths"]?.objectValue ?? [:]
        for path in paths.keys.sorted() {
            let operations = paths[path]?.objectValue ?? [:]
            for method in ["get", "post", "patch", "put", "delete"] {
                guard let operation = operations[method] else { continue }
                html += operationHTML(method: method, path: path, operation: operation)
            }
        }
        html += "<h2>Schemas</h2>\n"
        let schemas = document["components"]?["schemas"]?.objectValue ?? [:]
        for name in schemas.keys.sorted() {
            html += "<h3 id=\"schema-\(escape(name))\">\(escape(name))</h3>\n<pre>\(escape(JSONPretty.text(schemas[name] ?? .null)))</pre>\n"
        }
        return html + "</body></html>\n"
    }

    private static func operationHTML(method: String, path: String, operation: JSONValue) -> String {
        var html = "<div class=\"op\"><h3><span class=\"m \(method)\">\(method)</span> <code>\(escape(path))</code></h3>\n"
        if let summary = operation["summary"]?.stringValue { html += "<p><b>\(escape(summary))</b></p>\n" }
        if let description = operation["description"]?.stringValue { html += "<p>\(paragraphs(description))</p>\n" }
        if case .array(let parameters)? = operation["parameters"], !parameters.isEmpty {
            html += "<table><tr><th>parameter</th><th>in</th><th>schema</th></tr>\n"
            for parameter in parameters {
                let name = parameter["name"]?.stringValue ?? reference(parameter)
                html += "<tr><td><code>\(escape(name))</code></td><td>\(escape(parameter["in"]?.stringValue ?? ""))</td>"
                html += "<td><code>\(escape(parameter["schema"].map(JSONWriter.string) ?? ""))</code></td></tr>\n"
            }
            html += "</table>\n"
        }
        if let body = operation["requestBody"]?["content"]?["application/json"]?["schema"] {
            html += "<p>Body: <code>\(escape(JSONWriter.string(body)))</code></p>\n"
        }
        let responses = operation["responses"]?.objectValue ?? [:]
        html += "<p>Answers: " + responses.keys.sorted().map { "<code>\(escape($0))</code>" }.joined(separator: " ") + "</p></div>\n"
        return html
    }

    private static func reference(_ value: JSONValue) -> String {
        value["$ref"]?.stringValue.map { String($0.split(separator: "/").last ?? "") } ?? ""
    }

    private static func paragraphs(_ text: String) -> String {
        escape(text).replacingOccurrences(of: "\n\n", with: "</p><p>")
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}

/// Indented JSON text for reading.
enum JSONPretty {
    static func text(_ value: JSONValue, indent: String = "") -> String {
        let inner = indent + "  "
        switch value {
        case .object(let members) where !members.isEmpty:
            let lines = members.keys.sorted().map { key in
                "\(inner)\(JSONWriter.string(.string(key))): \(text(members[key] ?? .null, indent: inner))"
            }
            return "{\n" + lines.joined(separator: ",\n") + "\n\(indent)}"
        case .array(let elements) where !elements.isEmpty:
            return "[\n" + elements.map { inner + text($0, indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        default:
            return JSONWriter.string(value)
        }
    }
}

extension Optional where Wrapped == JSONValue {
    fileprivate subscript(key: String) -> JSONValue? { self?.objectValue?[key] }
}

import Foundation
