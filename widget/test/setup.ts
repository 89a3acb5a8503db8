// Every test file: the widget's texts in English, as the loader hands them to the chat chunk.
import EN from "../src/i18n/en.json";
import { setTexts } from "../src/ui/strings";

setTexts("en", EN);
