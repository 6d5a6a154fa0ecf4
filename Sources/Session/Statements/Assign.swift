import Datasets
import Language

extension StatementContext {
    /// `name = mnist | fashion | idx ... | other[...]`
    func assign(_ name: Identifier, _ expression: DataExpression) throws -> MimeBundle? {
        let value: DataValue
        let source: DataSource?
        switch expression {
        case .builtin(let which, let train, let test, let range):
            value = .split(try BuiltinData.split(which, train: train, test: test, range: range))
            source = .builtin(dataset: which.rawValue, train: train?.value, test: test?.value)
        case .idx(let trainImages, let trainLabels, let testImages, let testLabels, _):
            func located(_ p: Located<String>) -> Located<String> { Located(resolvedPath(p.value), p.range) }
            value = try BuiltinData.loadIDX(
                trainImages: located(trainImages), trainLabels: located(trainLabels),
                testImages: testImages.map(located), testLabels: testLabels.map(located))
            source = .idx(
                images: resolvedPath(trainImages.value), labels: resolvedPath(trainLabels.value),
                testImages: testImages.map { resolvedPath($0.value) },
                testLabels: testLabels.map { resolvedPath($0.value) })
        case .reference(let reference):
            value = try lookUpData(reference, alsoSuggest: Vocabulary.dataSources)
            source = self.source(of: reference)
        }
        let replaced = names.bind(name.value, to: .data(value), source: source)
        say("\(name.value): \(value.sizeText) of \(value.shapeText)" + replaced)
        return nil
    }
}
