/// An architecture's config.json reader: the file's own keys (written back for the fingerprint)
/// and what the file asks for that the forward does not model.
protocol ArchitectureConfigFile: Codable {
    var problem: String? { get }
}

extension ModelArchitecture {
    /// config.json read as `File`: refused where the file asks for what is not modelled, then
    /// converted (`transformer`) and its shapes checked in the file's own key names; the layout is
    /// the Hugging Face one unless `layout` adjusts it to the file.
    func configuration<File: ArchitectureConfigFile>(
        _ json: ConfigJSON, as _: File.Type, naming names: ConfigFieldNames,
        transformer: (File) -> TransformerConfig, layout: (File, inout TensorLayout) -> Void = { _, _ in }
    ) throws -> ModelConfiguration {
        let file = try json.decode(File.self)
        if let problem = file.problem { throw ModelError.invalidConfig(path: json.path, problem: problem) }
        let config = transformer(file)
        if let problem = config.problem(naming: names) { throw ModelError.invalidConfig(path: json.path, problem: problem) }
        var tensors = huggingFaceLayout
        layout(file, &tensors)
        return ModelConfiguration(architecture: self, transformer: config, layout: tensors,
                                  fingerprint: ModelIdentity.fingerprint(of: file))
    }
}
