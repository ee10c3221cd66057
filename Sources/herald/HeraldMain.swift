import ArgumentParser
import HeraldCLI

/// The `herald` executable.
@main
struct HeraldMain {
    static func main() async {
        await HeraldCommand.runAndExit()
    }
}
