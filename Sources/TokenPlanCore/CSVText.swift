/// RFC 4180 text: the one place a CSV field is quoted for output.
public enum CSVText {
  /// `field` as written in a CSV row: quoted (with inner quotes doubled) when it holds a comma,
  /// a double quote, a line feed or a carriage return; as it is otherwise.
  public static func field(_ field: String) -> String {
    field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
      ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
  }
}
