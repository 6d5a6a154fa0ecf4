import Datasets
import Language

extension StatementContext {
    /// `name = mnist | fashion | idx ... | other[...]`
    func assign(_ name: Identifier, _ expression: DataExpression) throws -> MimeBundle? {
        let value: DataValue
        let source: DataSource?
        switch expression {
        case .builtin(let which, let train, let test, let range):
            try memory.check(
                BuiltinData.loadCost(which), for: "loading \(which.rawValue)", at: range,
                instead: "more memory for this kernel, or fewer models held (delete the ones you no longer need)")
            value = .split(try abandonable { try BuiltinData.split(which, train: train, test: test, range: range) })
            source = .builtin(dataset: which.rawValue, train: train?.value, test: test?.value)
        case .idx(let trainImages, let trainLabels, let testImages, let testLabels, _):
            func located(_ p: Located<String>) -> Located<String> { Located(resolvedPath(p.value), p.range) }
            let (images, labels) = (located(trainImages), located(trainLabels))
            let (testImages, testLabels) = (testImages.map(located), testLabels.map(located))
            try memory.check(
                BuiltinData.idxCost([images, labels, testImages, testLabels].compactMap { $0?.value }),
                for: "loading these files", at: expression.range,
                instead: "smaller files, or more memory for this kernel")
            value = try abandonable {
                try BuiltinData.loadIDX(
                    trainImages: images, trainLabels: labels, testImages: testImages, testLabels: testLabels)
            }
            source = .idx(
                images: images.value, labels: labels.value, testImages: testImages?.value,
                testLabels: testLabels?.value)
        case .reference(let reference):
            value = try lookUpData(reference, alsoSuggest: Vocabulary.dataSources)
            source = self.source(of: reference)
        }
        value.takeStorageNotes().forEach { say("note: \($0)") }
        let replaced = names.bind(name.value, to: .data(value), source: source)
        say("\(name.value): \(value.sizeText) of \(value.shapeText)" + replaced)
        return nil
    }
}
