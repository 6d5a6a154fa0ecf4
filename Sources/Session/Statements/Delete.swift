import Language

extension LessonSession {
    /// `delete a b`: every name must exist, or nothing is deleted.
    func delete(_ names: [Identifier], _ context: StatementContext) throws -> MimeBundle? {
        for id in names where !self.names.contains(id.value) {
            throw unknownName(id, expected: "a name to delete")
        }
        for id in names {
            self.names.delete(id.value)
            context.say("deleted \(id.value)")
        }
        return nil
    }
}
