import Datasets
import Language

extension StatementContext {
    /// `name = mnist | fashion | idx ... | other[...]`
    func assign(_ name: Identifier, _ expression: DataExpression) throws -> MimeBundle? {
        let value: DataValue
        switch expression {
        case .builtin(let which, let train, let test, let range):
            try memory.check(
                BuiltinData.loadCost(which), for: "loading \(which.rawValue)", at: range,
                instead: "more memory for this kernel, or fewer models held (delete the ones you no longer need)")
            var split = try abandonable { try BuiltinData.load(which, range: range) }
            for (count, isTrain) in [(train, true), (test, false)] {
                guard let count else { continue }
                let available = isTrain ? split.train.count : split.test.count
                guard count.value <= available else {
                    throw Diagnostic(
                        "\(which.rawValue) has \(grouped(available)) \(isTrain ? "train" : "test") images, not \(grouped(count.value))",
                        range: count.range, kind: .value, expected: "a number from 1 to \(available)")
                }
                if isTrain {
                    split.train = split.train.slice(0..<count.value)
                } else {
                    split.test = split.test.slice(0..<count.value)
                }
            }
            value = .split(split)
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
        case .reference(let reference):
            value = try lookUpData(reference, alsoSuggest: Vocabulary.dataSources)
        }
        let replaced = names.bind(name.value, to: .data(value))
        say("\(name.value): \(value.sizeText) of \(value.shapeText)" + replaced)
        return nil
    }
}
